import type { ServerResponse } from 'node:http';

/** A JSON answer: the server writes `body` as JSON plus a newline, as the Engine's encoder does. */
export interface JsonReply {
  readonly kind: 'json';
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A plain answer with a body of the given content type (an empty body when `body` is ''). */
export interface TextReply {
  readonly kind: 'text';
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An answer with no body at all (200 for `POST /swarm/leave`, 204 for deletes...). */
export interface EmptyReply {
  readonly kind: 'empty';
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a route handler may return; undefined means "written already, or 200 with no body". */
export type RouteResult = JsonReply | TextReply | EmptyReply | undefined;

/** A JSON reply; `status` defaults to 200. */
export function jsonReply(
  body: unknown,
  status = 200,
  headers?: Readonly<Record<string, string>>,
): JsonReply {
  return headers === undefined
    ? { kind: 'json', status, body }
    : { kind: 'json', status, body, headers };
}

/** A text reply; `contentType` defaults to `text/plain; charset=utf-8` (Go's sniffed default). */
export function textReply(
  body: string,
  status = 200,
  contentType = 'text/plain; charset=utf-8',
): TextReply {
  return { kind: 'text', status, body, contentType };
}

/** A reply without a body. */
export function emptyReply(status = 200, headers?: Readonly<Record<string, string>>): EmptyReply {
  return headers === undefined ? { kind: 'empty', status } : { kind: 'empty', status, headers };
}

/**
 * Writes `value` as `Content-Type: application/json` (exactly that: Docker's client only reads
 * error messages from a response whose type is exactly `application/json`) with a
 * Content-Length, and ends the response.
 */
export function writeJson(res: ServerResponse, status: number, value: unknown): void {
  writeBody(res, status, 'application/json', JSON.stringify(value) + '\n');
}

/** Writes a finished reply and ends the response. The response must not have started. */
export function writeReply(res: ServerResponse, reply: Exclude<RouteResult, undefined>): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  switch (reply.kind) {
    case 'json':
      writeJson(res, reply.status, reply.body);
      return;
    case 'text':
      writeBody(res, reply.status, reply.contentType, reply.body);
      return;
    case 'empty':
      res.statusCode = reply.status;
      // 204 and 304 must not carry Content-Length; everything else says 0 so keep-alive works.
      if (reply.status !== 204 && reply.status !== 304) res.setHeader('Content-Length', '0');
      res.end();
      return;
  }
}

function writeBody(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}
