import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../base/logger.ts';
import { checkApiVersion, compareApiVersions } from './api-version.ts';
import type { ApiVersion, ApiVersionRange } from './api-version.ts';
import { pageNotFound, toHttpError, versionUnsupported } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import { emptyReply, writeJson, writeReply } from './reply.ts';
import type { RequestContext } from './request-context.ts';
import { splitVersionPrefix } from './router.ts';
import type { RouteMatch, Router } from './router.ts';
import { serverHeader } from './server-identity.ts';
import type { ServerIdentity } from './server-identity.ts';

/** What the request listener needs; {@link ApiServer} builds it from its options. */
export interface DispatchOptions {
  readonly router: Router;
  readonly identity: ServerIdentity;
  readonly versions: ApiVersionRange;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  /** Aborted when the server begins to stop: streams end and connections stop being reused. */
  readonly shutdown: AbortSignal;
}

/**
 * The `node:http` request listener of the Engine API: sets the Engine's common headers
 * (`Server`, `Api-Version`, `Ostype`, `Docker-Experimental`), strips and checks the version
 * prefix, routes, runs the handler and writes its reply or error. Unknown routes get 404
 * `{"message":"page not found"}`; a version outside the range gets 400 with the Engine's
 * message (as plain text below 1.24, where the Engine also drops JSON). Never throws.
 */
export function createRequestListener(
  options: DispatchOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void dispatch(options, req, res).catch((err: unknown) => {
      options.logger.error('request listener failed', { error: String(err) });
      res.destroy();
    });
  };
}

async function dispatch(
  o: DispatchOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  res.setHeader('Server', serverHeader(o.identity));
  res.setHeader('Api-Version', o.versions.max);
  res.setHeader('Ostype', process.platform);
  res.setHeader('Docker-Experimental', String(o.identity.experimental ?? false));
  if (o.shutdown.aborted) res.setHeader('Connection', 'close');
  res.once('finish', () => {
    o.logger.debug('request served', { method: req.method, url: req.url, status: res.statusCode });
  });

  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const { version, path } = splitVersionPrefix(rawPath);
  const method = req.method ?? 'GET';
  const match = o.router.match(method, path);
  if (match === undefined) {
    finishWithError(o, req, res, pageNotFound(), undefined);
    return;
  }
  const apiVersion = version ?? o.versions.max;
  const rejection = checkApiVersion(apiVersion, o.versions);
  if (rejection !== undefined) {
    finishWithError(o, req, res, versionUnsupported(rejection.message), apiVersion);
    return;
  }
  const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  await runHandler(o, req, res, match, { path, query, apiVersion });
}

async function runHandler(
  o: DispatchOptions,
  req: IncomingMessage,
  res: ServerResponse,
  match: RouteMatch,
  parts: { path: string; query: URLSearchParams; apiVersion: ApiVersion },
): Promise<void> {
  const controller = new AbortController();
  const onShutdown = (): void => controller.abort(new Error('server stopping'));
  o.shutdown.addEventListener('abort', onShutdown, { once: true });
  res.once('close', () => {
    o.shutdown.removeEventListener('abort', onShutdown);
    if (!res.writableFinished) controller.abort(new Error('client went away'));
  });
  if (o.shutdown.aborted) onShutdown();
  const logger = o.logger.child({ method: match.method, path: parts.path });
  const ctx: RequestContext = {
    method: match.method,
    pattern: match.pattern,
    params: match.params,
    request: req,
    response: res,
    signal: controller.signal,
    logger,
    readJson: (limit) => readJsonBody(req, limit ?? o.bodyLimitBytes),
    ...parts,
  };
  try {
    const result = await match.handler(ctx);
    if (res.headersSent || res.writableEnded) return;
    writeReply(res, result ?? emptyReply(200));
  } catch (err) {
    if (res.headersSent || res.writableEnded) {
      // A stream has begun; its status line is gone, so cut it rather than end it normally.
      logger.error('handler failed after the response started', { error: String(err) });
      res.destroy();
      return;
    }
    if (controller.signal.aborted && res.destroyed) {
      logger.debug('request cancelled by client', { error: String(err) });
      return;
    }
    finishWithError(o, req, res, err, parts.apiVersion);
  }
}

function finishWithError(
  o: DispatchOptions,
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  apiVersion: ApiVersion | undefined,
): void {
  const http = toHttpError(err);
  // Part of the body was never read, so this connection cannot carry another request.
  if (bodyUnread(req)) res.setHeader('Connection', 'close');
  if (apiVersion !== undefined && compareApiVersions(apiVersion, '1.24') < 0) {
    res.statusCode = http.status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(http.message + '\n');
  } else {
    writeJson(res, http.status, { message: http.message });
  }
  if (http.status >= 500) {
    o.logger.error('request failed', {
      method: req.method,
      url: req.url,
      status: http.status,
      error: http.message,
      ...(http.internal && err instanceof Error ? { stack: err.stack } : {}),
    });
  }
}

function bodyUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
