import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, invalidJson } from './errors.ts';

/** The body limit when a server is given none: 2 MiB, above the largest secret or config spec. */
export const DEFAULT_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Reads a request body and parses it as JSON, following the Engine's rules: a body with no
 * Content-Type, or any type but `application/json`, is refused (400); an absent or
 * zero-length body gives undefined (the handler decides whether that is allowed); malformed
 * JSON is a 400 `invalid JSON: ...`. A declared or actual length over `limit` bytes is a 413;
 * reading stops there, and the server closes the connection after answering because the rest
 * of the body is never read. Rejects with the stream's error if the client goes away.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  const hasBody =
    (declared !== undefined && declared !== '0') || req.headers['transfer-encoding'] !== undefined;
  const contentType = req.headers['content-type'];
  if (!hasBody) {
    if (contentType !== undefined) checkJsonContentType(contentType);
    return undefined;
  }
  checkJsonContentType(contentType ?? '');
  if (declared !== undefined && Number(declared) > limit) throw bodyTooLarge(limit);
  const text = await readLimited(req, limit);
  if (text.trim() === '') throw invalidJson('invalid JSON: got EOF while reading request body');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalidJson(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function checkJsonContentType(header: string): void {
  const mediaType = (header.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType === '') {
    throw invalidJson(`malformed Content-Type header (${header}): mime: no media type`);
  }
  if (mediaType !== 'application/json') {
    throw invalidJson(`unsupported Content-Type header (${header}): must be 'application/json'`);
  }
}

function readLimited(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onAborted = (): void => onError(new Error('the client closed the connection mid-body'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
