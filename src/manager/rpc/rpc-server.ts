import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { ShoalError } from '../../base/errors.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import { caError } from '../ca/ca-errors.ts';
import type { Caller } from './rpc-caller.ts';
import { mayCall } from './rpc-caller.ts';
import { rpcError } from './rpc-errors.ts';
import type { MethodSpec } from './rpc-methods.ts';

/** What a handler knows about its call. */
export interface CallContext {
  readonly caller: Caller;
  /** Aborted when the client cancels, disconnects, or the server closes. */
  readonly signal: AbortSignal;
}

/** Answers a unary call; throw a `ShoalError` to answer with an error. */
export type UnaryHandler<Req, Res> = (request: Req, context: CallContext) => Promise<Res> | Res;

/**
 * Produces a streaming call's items. The stream ends when the iterable ends; a thrown
 * `ShoalError` ends it with that error. When the client goes away the context's signal
 * aborts and the iterator is returned (its `finally` blocks run).
 */
export type StreamHandler<Req, Item> = (request: Req, context: CallContext) => AsyncIterable<Item>;

type Registered =
  | { readonly spec: MethodSpec<unknown, unknown>; readonly unary: UnaryHandler<unknown, unknown> }
  | {
      readonly spec: MethodSpec<unknown, unknown>;
      readonly stream: StreamHandler<unknown, unknown>;
    };

/** Settings of an {@link RpcServer}. */
export interface RpcServerOptions {
  /** Largest request body accepted. Default 4 MiB. */
  readonly maxRequestBytes?: number;
  readonly logger?: Logger;
}

/** The content type of a streaming reply: one JSON object per line, `{"item":…}` or `{"error":…}`. */
export const STREAM_CONTENT_TYPE = 'application/x-ndjson';
const JSON_CONTENT_TYPE = 'application/json';
const PATH_PREFIX = '/rpc/';

/**
 * Writes `error` as an RPC error reply (`ErrorData` JSON with the error's status) when the
 * stream has not answered yet; otherwise just closes the stream. Non-`ShoalError`s are sent as
 * `RPC_INTERNAL` without their text, which may hold internals.
 */
export function replyError(stream: ServerHttp2Stream, error: unknown): void {
  const shoal =
    error instanceof ShoalError ? error : rpcError('RPC_INTERNAL', 'the call failed on the server');
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    stream.close();
    return;
  }
  stream.respond({ ':status': shoal.status, 'content-type': JSON_CONTENT_TYPE });
  stream.end(JSON.stringify(shoal.toData()));
}

/**
 * Dispatches HTTP/2 streams (`POST /rpc/<method>`, JSON body) to registered handlers, after
 * checking the method's access against the caller. Unary replies are `200` with the JSON
 * result; errors are `ErrorData` JSON with the error's status. Streaming replies are `200`
 * with {@link STREAM_CONTENT_TYPE} lines. Handlers are registered by the manager and agent
 * code; a name can be registered once.
 */
export class RpcServer {
  private readonly methods = new Map<string, Registered>();
  private readonly maxRequestBytes: number;
  private readonly logger: Logger;
  private readonly open = new Set<AbortController>();

  constructor(options: RpcServerOptions = {}) {
    this.maxRequestBytes = options.maxRequestBytes ?? 4 * 1024 * 1024;
    this.logger = (options.logger ?? silentLogger).child({ component: 'rpc-server' });
  }

  /** Registers the handler of a unary method; throws if `spec.name` is taken or `spec` streams. */
  unary<Req, Res>(spec: MethodSpec<Req, Res>, handler: UnaryHandler<Req, Res>): void {
    if (spec.kind !== 'unary') throw new TypeError(`${spec.name} is not a unary method`);
    this.add({
      spec: spec,
      unary: handler as UnaryHandler<unknown, unknown>,
    });
  }

  /** Registers the handler of a streaming method; throws if `spec.name` is taken or `spec` is unary. */
  stream<Req, Item>(spec: MethodSpec<Req, Item>, handler: StreamHandler<Req, Item>): void {
    if (spec.kind !== 'stream') throw new TypeError(`${spec.name} is not a streaming method`);
    this.add({
      spec: spec,
      stream: handler as StreamHandler<unknown, unknown>,
    });
  }

  /** Aborts the signal of every call in progress (their streams are closed by their sessions). */
  abortAll(): void {
    for (const controller of this.open)
      controller.abort(rpcError('RPC_UNAVAILABLE', 'server closing'));
  }

  /**
   * Serves one HTTP/2 stream for `caller`. Never throws: every failure becomes an error reply.
   */
  handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, caller: Caller): void {
    stream.on('error', (err) => this.logger.debug('rpc stream error', { error: err.message }));
    void this.serve(stream, headers, caller).catch((err: unknown) => {
      if (!(err instanceof ShoalError)) {
        this.logger.error('rpc handler failed', { error: String(err) });
      }
      replyError(stream, err);
    });
  }

  private add(entry: Registered): void {
    if (this.methods.has(entry.spec.name)) {
      throw new Error(`RPC method ${entry.spec.name} is already registered`);
    }
    this.methods.set(entry.spec.name, entry);
  }

  private async serve(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    caller: Caller,
  ): Promise<void> {
    const path = headers[':path'] ?? '';
    const entry = path.startsWith(PATH_PREFIX)
      ? this.methods.get(path.slice(PATH_PREFIX.length))
      : undefined;
    if (headers[':method'] !== 'POST' || entry === undefined) {
      throw rpcError(
        'RPC_METHOD_NOT_FOUND',
        `no RPC method at ${String(headers[':method'])} ${path}`,
      );
    }
    if (!mayCall(caller, entry.spec.access)) {
      throw caller.anonymous
        ? caError(
            'CA_PEER_UNAUTHENTICATED',
            `Permission denied: ${entry.spec.name} needs a node certificate`,
          )
        : caError(
            'CA_PEER_FORBIDDEN',
            `Permission denied: ${entry.spec.name} is for managers only`,
          );
    }
    const request = entry.spec.readRequest(await this.readBody(stream));
    const controller = new AbortController();
    this.open.add(controller);
    stream.once('close', () => {
      controller.abort(rpcError('RPC_UNAVAILABLE', 'the call was cancelled'));
      this.open.delete(controller);
    });
    const context: CallContext = { caller, signal: controller.signal };
    if ('unary' in entry) {
      const result = await entry.unary(request, context);
      if (stream.closed || stream.destroyed) return;
      stream.respond({ ':status': 200, 'content-type': JSON_CONTENT_TYPE });
      stream.end(JSON.stringify(result ?? null));
      return;
    }
    await this.pump(stream, entry.stream(request, context), controller.signal);
  }

  private async pump(
    stream: ServerHttp2Stream,
    items: AsyncIterable<unknown>,
    signal: AbortSignal,
  ): Promise<void> {
    const iterator = items[Symbol.asyncIterator]();
    stream.respond({ ':status': 200, 'content-type': STREAM_CONTENT_TYPE });
    try {
      for (;;) {
        const next = await iterator.next();
        if (signal.aborted) return;
        if (next.done === true) break;
        if (!stream.write(JSON.stringify({ item: next.value ?? null }) + '\n')) {
          await drained(stream);
        }
      }
      stream.end();
    } catch (err) {
      if (signal.aborted) return;
      const shoal =
        err instanceof ShoalError
          ? err
          : rpcError('RPC_INTERNAL', 'the stream failed on the server');
      if (!(err instanceof ShoalError))
        this.logger.error('rpc stream handler failed', { error: String(err) });
      stream.end(JSON.stringify({ error: shoal.toData() }) + '\n');
    } finally {
      if (signal.aborted) await iterator.return?.();
    }
  }

  private async readBody(stream: ServerHttp2Stream): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxRequestBytes) {
        throw rpcError('RPC_BAD_REQUEST', `the request body is over ${this.maxRequestBytes} bytes`);
      }
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw rpcError('RPC_BAD_REQUEST', 'the request body is not valid JSON', cause);
    }
  }
}

/** Resolves when `stream` can take more data, or has closed. */
function drained(stream: ServerHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
