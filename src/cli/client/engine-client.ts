import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { compareApiVersions } from '../../server/api-version.ts';
import type { DaemonHost } from './daemon-host.ts';
import { DaemonError, DaemonUnreachableError, UnsupportedRouteError } from './engine-errors.ts';
import { encodeQuery } from './query-string.ts';
import type { QueryValues } from './query-string.ts';

/** The newest Engine API version the shoal CLI speaks (Debian's docker.io 20.10 speaks 1.41). */
export const CLIENT_API_VERSION = '1.41';
/** The version assumed when `/_ping` carries no `Api-Version` header, as docker assumes. */
export const FALLBACK_API_VERSION = '1.24';

/** Certificates for `tcp://` with TLS. Absent parts use Node's defaults. */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** Check the daemon's certificate against `ca` (`--tlsverify`). */
  readonly verify: boolean;
}

/** How an {@link EngineClient} reaches its daemon. */
export interface EngineClientOptions {
  readonly host: DaemonHost;
  /** Use HTTPS (only for tcp hosts). */
  readonly tls?: TlsMaterial;
  /** The newest version to ask for; default {@link CLIENT_API_VERSION}. */
  readonly maxApiVersion?: string;
  /** A fixed version (`SHOAL_API_VERSION`): no negotiation. */
  readonly fixedApiVersion?: string;
  readonly userAgent?: string;
}

/** One request beyond its method and path. */
export interface RequestOptions {
  readonly query?: QueryValues;
  /** Sent as JSON. */
  readonly body?: unknown;
}

/** A daemon's answer with a status below 400. */
export interface EngineResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What `/_ping` told about the daemon. */
export interface PingResult {
  readonly apiVersion: string | undefined;
  /** The `Swarm` header (`inactive`, `active/manager`...), when the daemon sends it. */
  readonly swarm: string | undefined;
}

/**
 * An Engine API client over `node:http`, for a unix socket or TCP (optionally TLS).
 *
 * Version negotiation follows docker's client: before the first versioned request it pings
 * `/_ping` (HEAD, then GET when HEAD is not answered with 200 or 500) and uses the lower of
 * its own maximum and the daemon's `Api-Version` (1.24 when absent). Every request then
 * goes to `/v<version><path>`. An answer of 400 or more throws {@link DaemonError}
 * ("Error response from daemon: <message>") with the JSON `message`, or the plain text
 * body; an empty one throws {@link UnsupportedRouteError}. A connection failure throws
 * {@link DaemonUnreachableError}. Call {@link close} when done, so no socket stays open.
 */
export class EngineClient {
  private negotiated: Promise<string> | undefined;
  private readonly agent: http.Agent;

  constructor(private readonly options: EngineClientOptions) {
    const secure = options.tls !== undefined && options.host.kind === 'tcp';
    this.agent = secure
      ? new https.Agent({
          keepAlive: true,
          ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
          ...(options.tls?.cert ? { cert: options.tls.cert } : {}),
          ...(options.tls?.key ? { key: options.tls.key } : {}),
          rejectUnauthorized: options.tls?.verify ?? true,
        })
      : new http.Agent({ keepAlive: true });
  }

  /** The address this client talks to, as `-H` spells it. */
  get hostUrl(): string {
    return this.options.host.url;
  }

  /** The newest version this client would use. */
  get maxApiVersion(): string {
    return this.options.maxApiVersion ?? CLIENT_API_VERSION;
  }

  /** The version requests use, negotiating it first if needed. */
  apiVersion(): Promise<string> {
    if (this.options.fixedApiVersion !== undefined)
      return Promise.resolve(this.options.fixedApiVersion);
    this.negotiated ??= this.negotiate();
    return this.negotiated;
  }

  /** Pings the daemon (`HEAD /_ping`, falling back to `GET`). Throws only when unreachable. */
  async ping(): Promise<PingResult> {
    const head = await this.send('HEAD', '/_ping', undefined);
    const answer =
      head.status === 200 || head.status === 500
        ? head
        : await this.send('GET', '/_ping', undefined);
    const header = (name: string): string | undefined => {
      const value = answer.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    return { apiVersion: header('api-version'), swarm: header('swarm') };
  }

  /** Sends a versioned request; see the class contract for errors. */
  async request(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<EngineResponse> {
    const version = await this.apiVersion();
    const query = options.query === undefined ? '' : encodeQuery(options.query);
    const fullPath = `/v${version}${path}${query === '' ? '' : `?${query}`}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await this.send(method, fullPath, body);
    if (response.status < 400) return response;
    throw this.errorFor(response, fullPath);
  }

  /** {@link request} and parse the body as JSON. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options);
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  /**
   * Sends a versioned request and resolves with the open response once its status is below
   * 400, for streams (logs, events) the caller reads as they come; an error answer is read
   * whole and thrown as {@link request} throws it. Destroy the response to stop early.
   */
  async stream(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<http.IncomingMessage> {
    const version = await this.apiVersion();
    const query = options.query === undefined ? '' : encodeQuery(options.query);
    const fullPath = `/v${version}${path}${query === '' ? '' : `?${query}`}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const res = await this.open(method, fullPath, body);
    if ((res.statusCode ?? 0) < 400) return res;
    throw this.errorFor(await readWhole(res), fullPath);
  }

  /** Closes idle connections. The client may still be used afterwards. */
  close(): void {
    this.agent.destroy();
  }

  private async negotiate(): Promise<string> {
    const ping = await this.ping();
    const server = ping.apiVersion ?? FALLBACK_API_VERSION;
    return compareApiVersions(server, this.maxApiVersion) < 0 ? server : this.maxApiVersion;
  }

  private errorFor(response: EngineResponse, path: string): Error {
    const text = response.body.toString('utf8');
    if (text.length === 0) {
      const url =
        this.options.host.kind === 'unix'
          ? `http://${encodeURIComponent(this.options.host.path)}${path}`
          : `${this.options.tls ? 'https' : 'http'}://${this.options.host.host}:${this.options.host.port}${path}`;
      return new UnsupportedRouteError(
        response.status,
        http.STATUS_CODES[response.status] ?? String(response.status),
        url,
      );
    }
    const type = String(response.headers['content-type'] ?? '');
    if (!type.startsWith('application/json')) return new DaemonError(response.status, text.trim());
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string' && parsed.message !== '') {
        return new DaemonError(response.status, parsed.message.trim());
      }
    } catch {
      return new Error(`Error reading JSON: ${text.trim()}`);
    }
    const status = http.STATUS_CODES[response.status] ?? '';
    return new DaemonError(
      response.status,
      `API returned a ${response.status} (${status}) but provided no error-message`,
    );
  }

  private async send(
    method: string,
    path: string,
    body: string | undefined,
  ): Promise<EngineResponse> {
    return readWhole(await this.open(method, path, body));
  }

  private open(
    method: string,
    path: string,
    body: string | undefined,
  ): Promise<http.IncomingMessage> {
    const host = this.options.host;
    const secure = this.options.tls !== undefined && host.kind === 'tcp';
    const headers: http.OutgoingHttpHeaders = {
      'User-Agent': this.options.userAgent ?? 'shoal-client',
    };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const target =
      host.kind === 'unix' ? { socketPath: host.path } : { host: host.host, port: host.port };
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        { ...target, method, path, headers, agent: this.agent },
        resolve,
      );
      request.on('error', (err: NodeJS.ErrnoException) =>
        reject(new DaemonUnreachableError(host.url, err)),
      );
      request.end(body);
    });
  }
}

/** Reads a whole response. */
function readWhole(res: http.IncomingMessage): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
    );
  });
}
