import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../base/clock.ts';
import { SystemClock } from '../base/clock.ts';
import type { Logger } from '../base/logger.ts';
import { silentLogger } from '../base/logger.ts';
import { shoalApiVersions } from './api-version.ts';
import type { ApiVersionRange } from './api-version.ts';
import { createRequestListener } from './dispatch.ts';
import { DEFAULT_BODY_LIMIT_BYTES } from './json-body.ts';
import type { Router } from './router.ts';
import type { ServerIdentity } from './server-identity.ts';
import { prepareSocketPath, removeSocketFile, secureSocketFile } from './socket-file.ts';
import type { SocketFileId } from './socket-file.ts';

/** TLS for the TCP listener, as PEM text or buffers. */
export interface ApiTlsOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CAs that client certificates must chain to. */
  readonly ca?: string | Buffer;
  /** Require and verify a client certificate (Docker's `--tlsverify`). Default false. */
  readonly verifyClients?: boolean;
}

/** A TCP listener; port 0 picks a free port (read it back from {@link ApiServer.addresses}). */
export interface ApiTcpOptions {
  readonly host: string;
  readonly port: number;
  /** Serve HTTPS with these credentials; plain HTTP when absent. */
  readonly tls?: ApiTlsOptions;
}

export interface ApiServerOptions {
  /** The routes to serve; the server adds nothing of its own. */
  readonly router: Router;
  readonly identity: ServerIdentity;
  /** Listen on this unix socket (mode 0660). At least one of socketPath and tcp is required. */
  readonly socketPath?: string;
  readonly tcp?: ApiTcpOptions;
  /** The API versions served. Default {@link shoalApiVersions}. */
  readonly versions?: ApiVersionRange;
  /** Largest JSON body a route reads by default. Default {@link DEFAULT_BODY_LIMIT_BYTES}. */
  readonly bodyLimitBytes?: number;
  /**
   * How long `stop()` lets requests that are still being handled finish before cutting their
   * connections. Idle keep-alive connections and streams close at once. Default 1000 ms.
   */
  readonly stopGraceMs?: number;
}

export interface ApiServerDeps {
  readonly logger?: Logger;
  /** Times the stop grace period. Default {@link SystemClock}. */
  readonly clock?: Clock;
}

/** Where a started server listens. */
export interface ApiServerAddresses {
  readonly socketPath?: string;
  readonly tcp?: { readonly host: string; readonly port: number; readonly tls: boolean };
}

/**
 * The Engine-API HTTP server on a unix socket and/or TCP (optionally TLS). `start()` removes
 * a stale socket file (never a live one), listens and sets the socket to 0660; `stop()` stops
 * accepting, ends open streams, closes idle keep-alive connections at once, gives running
 * requests `stopGraceMs`, then cuts what is left and removes the socket file it created.
 * `start()` may be called once; `stop()` is idempotent and may be called before `start()`
 * finished failing.
 */
export class ApiServer {
  private readonly options: ApiServerOptions;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly shutdown = new AbortController();
  private readonly servers: { server: Server; kind: 'socket' | 'tcp' }[] = [];
  private socketId: SocketFileId | undefined;
  private started = false;
  private stopped: Promise<void> | undefined;

  constructor(options: ApiServerOptions, deps: ApiServerDeps = {}) {
    if (options.socketPath === undefined && options.tcp === undefined) {
      throw new Error('ApiServer needs a socketPath, a tcp listener, or both');
    }
    this.options = options;
    this.logger = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? new SystemClock();
  }

  /** Listens on every configured address. On failure, closes what it opened and rejects. */
  async start(): Promise<void> {
    if (this.started) throw new Error('ApiServer.start() may be called only once');
    this.started = true;
    const listener = createRequestListener({
      router: this.options.router,
      identity: this.options.identity,
      versions: this.options.versions ?? shoalApiVersions,
      bodyLimitBytes: this.options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      logger: this.logger,
      shutdown: this.shutdown.signal,
    });
    try {
      const { socketPath, tcp } = this.options;
      if (socketPath !== undefined) await this.listenOnSocket(socketPath, listener);
      if (tcp !== undefined) await this.listenOnTcp(tcp, listener);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops serving; see the class comment. Resolves once every connection is closed. */
  stop(): Promise<void> {
    this.stopped ??= this.close();
    return this.stopped;
  }

  /** The addresses being served (TCP with its real port); empty before start or after stop. */
  addresses(): ApiServerAddresses {
    const result: { socketPath?: string; tcp?: NonNullable<ApiServerAddresses['tcp']> } = {};
    for (const { server, kind } of this.servers) {
      const address = server.address();
      if (kind === 'socket' && this.options.socketPath !== undefined) {
        result.socketPath = this.options.socketPath;
      } else if (address !== null && typeof address === 'object') {
        const { address: host, port } = address satisfies AddressInfo;
        result.tcp = { host, port, tls: this.options.tcp?.tls !== undefined };
      }
    }
    return result;
  }

  /** Connections currently open on all listeners; tests use it to check nothing leaks. */
  async openConnections(): Promise<number> {
    const counts = await Promise.all(
      this.servers.map(
        ({ server }) =>
          new Promise<number>((resolve) => server.getConnections((_err, n) => resolve(n))),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  private async listenOnSocket(path: string, listener: RequestListener): Promise<void> {
    await prepareSocketPath(path);
    const server = this.track(createHttpServer(listener), 'socket');
    await listen(server, { path });
    this.socketId = await secureSocketFile(path);
    this.logger.info('API listening', { socket: path });
  }

  private async listenOnTcp(tcp: ApiTcpOptions, listener: RequestListener): Promise<void> {
    const server =
      tcp.tls === undefined
        ? createHttpServer(listener)
        : createHttpsServer(
            {
              key: tcp.tls.key,
              cert: tcp.tls.cert,
              ...(tcp.tls.ca === undefined ? {} : { ca: tcp.tls.ca }),
              requestCert: tcp.tls.verifyClients ?? false,
              rejectUnauthorized: tcp.tls.verifyClients ?? false,
            },
            listener,
          );
    this.track(server, 'tcp');
    await listen(server, { host: tcp.host, port: tcp.port });
    this.logger.info('API listening', {
      tcp: `${tcp.host}:${tcp.port}`,
      tls: tcp.tls !== undefined,
    });
  }

  private track(server: Server, kind: 'socket' | 'tcp'): Server {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      // A response finishing while the server stops must not leave its connection idling
      // in keep-alive: nothing will use it, and close() waits for it.
      res.once('finish', () => {
        if (this.shutdown.signal.aborted) socket.end();
      });
    });
    this.servers.push({ server, kind });
    return server;
  }

  private async close(): Promise<void> {
    this.shutdown.abort();
    const closing = this.servers.map(
      ({ server }) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const { server } of this.servers) server.closeIdleConnections();
    const cancel = this.clock.setTimer(this.options.stopGraceMs ?? 1000, () => {
      for (const { server } of this.servers) server.closeAllConnections();
    });
    await Promise.all(closing);
    cancel();
    this.servers.length = 0;
    if (this.options.socketPath !== undefined && this.socketId !== undefined) {
      await removeSocketFile(this.options.socketPath, this.socketId);
    }
  }
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

function listen(
  server: Server,
  target: { path: string } | { host: string; port: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(target, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
