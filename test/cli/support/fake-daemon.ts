import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request the fake daemon received. `path` keeps the `/v1.41` prefix. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The raw query string, as sent (without `?`). */
  readonly rawQuery: string;
  readonly query: Readonly<Record<string, string>>;
  /** The body parsed as JSON, or `undefined` when there was none. */
  readonly body: unknown;
  readonly rawBody: string;
  readonly headers: IncomingHttpHeaders;
  /** Values of `:name` segments of the matched route. */
  readonly params: Readonly<Record<string, string>>;
}

/** A route's answer: a status (200 by default) and a body sent as JSON unless `text`. */
export interface Answer {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Handles `METHOD /path/:param` (matched without the version prefix). */
export type Route = (request: RecordedRequest) => Answer;

/** How the fake daemon answers `/_ping`. */
export interface FakeDaemonOptions {
  /** The `Api-Version` header; `null` sends none. Default `1.41`. */
  readonly apiVersion?: string | null;
  /** Status for `HEAD /_ping` (docker's client falls back to GET unless 200/500). Default 200. */
  readonly headPingStatus?: number;
}

/**
 * An HTTP server on a unix socket in a temp dir that answers from a route table and records
 * every request, so tests can check exactly what the CLI sent. Unknown routes get 404
 * `{"message": "page not found"}`.
 */
export class FakeDaemon {
  private constructor(
    /** Every request received, pings included, in order. */
    readonly requests: readonly RecordedRequest[],
    private readonly server: Server,
    private readonly dir: string,
    readonly socketPath: string,
  ) {}

  /** `unix://<socket>`, for `SHOAL_HOST` or `-H`. */
  get host(): string {
    return `unix://${this.socketPath}`;
  }

  /** Starts a daemon answering `routes` (keys like `GET /nodes/:id`). */
  static async start(
    routes: Readonly<Record<string, Route>>,
    options: FakeDaemonOptions = {},
  ): Promise<FakeDaemon> {
    const dir = await mkdtemp(join(tmpdir(), 'shoal-cli-'));
    const socketPath = join(dir, 'daemon.sock');
    const requests: RecordedRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://daemon');
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const base = {
          method: req.method ?? '',
          path: url.pathname,
          rawQuery: url.search.replace(/^\?/, ''),
          query: Object.fromEntries(url.searchParams),
          body: rawBody === '' ? undefined : (JSON.parse(rawBody) as unknown),
          rawBody,
          headers: req.headers,
        };
        const { route, params } = match(routes, base.method, url.pathname);
        const request = { ...base, params };
        requests.push(request);
        respond(res, answer(request, route, options), options);
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return new FakeDaemon(requests, server, dir, socketPath);
  }

  /** The requests other than pings, as `METHOD /path?query` lines. */
  calls(): string[] {
    return this.requests
      .filter((r) => r.path !== '/_ping')
      .map((r) => `${r.method} ${r.path}${r.rawQuery === '' ? '' : `?${r.rawQuery}`}`);
  }

  /** The non-ping requests, in order. */
  apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path !== '/_ping');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

function match(
  routes: Readonly<Record<string, Route>>,
  method: string,
  path: string,
): { route: Route | undefined; params: Record<string, string> } {
  const segments = path.replace(/^\/v[0-9.]+(?=\/)/, '').split('/');
  for (const [key, route] of Object.entries(routes)) {
    const [routeMethod, routePath = ''] = key.split(' ');
    const pattern = routePath.split('/');
    if (routeMethod !== method || pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((p, i) => {
      const s = decodeURIComponent(segments[i] ?? '');
      if (p.startsWith(':')) params[p.slice(1)] = s;
      return p.startsWith(':') || p === s;
    });
    if (ok) return { route, params };
  }
  return { route: undefined, params: {} };
}

function answer(
  request: RecordedRequest,
  route: Route | undefined,
  options: FakeDaemonOptions,
): Answer {
  if (request.path === '/_ping') {
    if (request.method === 'HEAD') return { status: options.headPingStatus ?? 200 };
    return { text: 'OK' };
  }
  return route?.(request) ?? { status: 404, json: { message: 'page not found' } };
}

function respond(res: ServerResponse, reply: Answer, options: FakeDaemonOptions): void {
  const version = options.apiVersion === undefined ? '1.41' : options.apiVersion;
  if (version !== null) res.setHeader('Api-Version', version);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.statusCode = reply.status ?? 200;
  if (reply.text !== undefined) {
    if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(reply.text);
  } else if (reply.json !== undefined) {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(reply.json));
  } else {
    res.end();
  }
}
