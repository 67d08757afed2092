import http2 from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import tls from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import type { Clock } from '../../base/clock.ts';
import { ShoalError } from '../../base/errors.ts';
import type { ErrorData } from '../../base/errors.ts';
import { parseAddress } from '../../raft/transport/socket-layer.ts';
import { RPC_ALPN } from './cluster-listener.ts';
import { rpcError } from './rpc-errors.ts';
import type { MethodSpec } from './rpc-methods.ts';

/** Settings of an {@link RpcClient}. */
export interface RpcClientOptions {
  /**
   * TLS options for dialling `address`, read at each new connection: normally
   * `mutualTlsClientOptions(identity, policy)`; a joining node passes its own. Host, port and
   * ALPN are added by the client.
   */
  readonly tlsOptions: (address: string) => ConnectionOptions;
  /** Default deadline of a unary call, and of a stream's first reply. Default 10 s. */
  readonly timeoutMs?: number;
}

/** Per-call settings. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/**
 * Calls RPC methods on other nodes over HTTP/2 on TLS. One connection per address is kept
 * and reused; a connection that closes or fails is forgotten and the next call dials again.
 * Errors: the server's `ErrorData` comes back as a `ShoalError` with its code; a refused TLS
 * check on our side is thrown as the policy's `ShoalError`; an unreachable peer or dropped
 * connection is `RPC_UNAVAILABLE` and a deadline `RPC_TIMEOUT` (both retryable); an
 * aborted signal rejects with the signal's reason.
 */
export class RpcClient {
  private readonly sessions = new Map<string, ClientHttp2Session>();
  private readonly timeoutMs: number;
  private closed = false;

  constructor(
    private readonly options: RpcClientOptions,
    private readonly deps: { readonly clock: Clock },
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Calls a unary method at `address` and resolves with its reply. */
  async call<Req, Res>(
    address: string,
    spec: MethodSpec<Req, Res>,
    request: Req,
    options: CallOptions = {},
  ): Promise<Res> {
    const { stream, headers, cancel } = await this.open(address, spec, request, options);
    try {
      const body = await readAll(stream);
      const status = Number(headers[':status']);
      if (status !== 200) throw errorFromBody(body, status);
      return parseJson(body) as Res;
    } finally {
      cancel();
    }
  }

  /**
   * Calls a streaming method and yields its items as they arrive. Breaking out of the loop or
   * aborting `options.signal` cancels the call on the server. The deadline covers only the
   * first reply; the stream itself may last as long as both ends want.
   */
  async *stream<Req, Item>(
    address: string,
    spec: MethodSpec<Req, Item>,
    request: Req,
    options: CallOptions = {},
  ): AsyncGenerator<Item, void, undefined> {
    const { stream, headers, cancel } = await this.open(address, spec, request, options);
    cancel();
    const signal = options.signal;
    const onAbort = (): void => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const status = Number(headers[':status']);
      if (status !== 200) throw errorFromBody(await readAll(stream), status);
      let pending = '';
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        pending += chunk.toString('utf8');
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line === '') continue;
          const frame = parseJson(line) as { item?: Item; error?: ErrorData };
          if (frame.error !== undefined) throw ShoalError.fromData(frame.error);
          yield frame.item as Item;
        }
      }
      if (signal?.aborted) throw abortReason(signal);
      if (stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
        throw rpcError('RPC_UNAVAILABLE', `the stream of ${spec.name} was reset`);
      }
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw asRpcError(err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }

  /** Closes the connection to `address`, if any; calls in flight on it fail. */
  disconnect(address: string): void {
    this.sessions.get(address)?.destroy();
    this.sessions.delete(address);
  }

  /** Closes every connection; later calls reject. */
  close(): void {
    this.closed = true;
    for (const session of this.sessions.values()) session.destroy();
    this.sessions.clear();
  }

  private session(address: string): ClientHttp2Session {
    if (this.closed) throw rpcError('RPC_UNAVAILABLE', 'the RPC client is closed');
    const existing = this.sessions.get(address);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const { host, port } = parseAddress(address);
    const tlsOptions = this.options.tlsOptions(address);
    const session = http2.connect(`https://${address}`, {
      createConnection: () => tls.connect({ ...tlsOptions, host, port, ALPNProtocols: [RPC_ALPN] }),
    });
    const forget = (): void => {
      if (this.sessions.get(address) === session) this.sessions.delete(address);
    };
    session.on('error', forget);
    session.on('close', forget);
    session.on('goaway', forget);
    this.sessions.set(address, session);
    return session;
  }

  private open<Req>(
    address: string,
    spec: MethodSpec<Req, unknown>,
    request: Req,
    options: CallOptions,
  ): Promise<{ stream: ClientHttp2Stream; headers: IncomingHttpHeaders; cancel: () => void }> {
    return new Promise((resolve, reject) => {
      const signal = options.signal;
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      let stream: ClientHttp2Stream;
      try {
        const session = this.session(address);
        stream = session.request({
          ':method': 'POST',
          ':path': `/rpc/${spec.name}`,
          'content-type': 'application/json',
        });
        const onSessionError = (err: Error): void => fail(err);
        session.once('error', onSessionError);
        stream.once('close', () => session.off('error', onSessionError));
      } catch (err) {
        reject(asRpcError(err));
        return;
      }
      let settled = false;
      const cancelTimer = this.deps.clock.setTimer(options.timeoutMs ?? this.timeoutMs, () => {
        // After the reply started, cutting the stream fails the body read that is under way.
        if (settled) stream.close(http2.constants.NGHTTP2_CANCEL);
        else fail(rpcError('RPC_TIMEOUT', `${spec.name} on ${address} did not answer in time`));
      });
      const onAbort = (): void => fail(signal?.reason);
      const cleanup = (): void => {
        cancelTimer();
        signal?.removeEventListener('abort', onAbort);
      };
      function fail(err: unknown): void {
        if (settled) return;
        settled = true;
        cleanup();
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
        reject(signal?.aborted && err === signal.reason ? abortReason(signal) : asRpcError(err));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('error', fail);
      stream.once('close', () =>
        fail(rpcError('RPC_UNAVAILABLE', `${address} closed the call to ${spec.name}`)),
      );
      stream.once('response', (headers) => {
        if (settled) return;
        settled = true;
        resolve({ stream, headers, cancel: cleanup });
      });
      stream.end(JSON.stringify(request ?? null));
    });
  }
}

function readAll(stream: ClientHttp2Stream): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body += chunk));
    stream.once('end', () => resolve(body));
    stream.once('error', (err) => reject(asRpcError(err)));
    stream.once('close', () => reject(rpcError('RPC_UNAVAILABLE', 'the reply was cut short')));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw rpcError('RPC_PROTOCOL', 'the server sent a reply that is not JSON', cause);
  }
}

function errorFromBody(body: string, status: number): ShoalError {
  const data = parseJson(body) as Partial<ErrorData> | null;
  if (data === null || typeof data.code !== 'string' || typeof data.message !== 'string') {
    return rpcError('RPC_PROTOCOL', `the server answered ${status} without an error body`);
  }
  return ShoalError.fromData({
    ...data,
    code: data.code,
    message: data.message,
    status: data.status ?? status,
  });
}

function asRpcError(err: unknown): ShoalError {
  if (err instanceof ShoalError) return err;
  // A TLS check refused on our side arrives as the policy's ShoalError in `cause` or itself.
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof ShoalError) return cause;
  const message = err instanceof Error ? err.message : String(err);
  return rpcError('RPC_UNAVAILABLE', `the call failed: ${message}`, err);
}

/** The reason `signal` was aborted with, as an Error (a non-Error reason is wrapped). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}
