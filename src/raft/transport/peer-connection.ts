import type { Duplex } from 'node:stream';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { encodeMessage } from '../codec/index.ts';
import type { Message, NodeId } from '../core/types.ts';
import type { Frame } from './frame.ts';
import { FrameKind, encodeFrames, encodeHello, frameLength } from './frame.ts';
import type { SocketLayer } from './socket-layer.ts';

/** Bounded exponential backoff between connection attempts: initial, doubled, capped. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** What a {@link PeerConnection} needs from its transport. */
export interface PeerConnectionOptions {
  readonly localId: NodeId;
  readonly peerId: NodeId;
  readonly address: string;
  readonly socketLayer: SocketLayer;
  /** Messages waiting for the socket beyond this count push out the oldest. */
  readonly maxQueuedMessages: number;
  readonly maxFrameBytes: number;
  readonly backoff: Backoff;
  /** An attempt still pending after this many ms is abandoned and counts as a failure. */
  readonly connectTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told (asynchronously) when the peer could not be reached or messages to it were lost. */
  readonly onUnreachable: (peer: NodeId) => void;
}

/**
 * The sending side of the link to one peer: a bounded queue in front of one outbound
 * stream. It dials only when it has something to send, starts each stream with a hello,
 * and writes everything queued since the last write as one buffer (a batch per event-loop
 * turn, larger while the socket is backed up). On a failed attempt or a lost stream it
 * reports the peer unreachable and retries after a backoff (the delay resets once a stream
 * has stayed up for `backoff.maxMs`). Messages queued meanwhile wait; when the queue is full
 * the oldest are dropped and the peer reported unreachable. Messages inside a stream that
 * breaks are lost, which Raft tolerates.
 */
export class PeerConnection {
  private queue: Message[] = [];
  private socket: Duplex | undefined;
  private attempt: AbortController | undefined;
  private cancelRetry: CancelTimer | undefined;
  private cancelConnectTimeout: CancelTimer | undefined;
  private failures = 0;
  private connectedAt = 0;
  private needHello = false;
  private waitingForDrain = false;
  private flushScheduled = false;
  private closed = false;

  constructor(private readonly options: PeerConnectionOptions) {}

  /** True while a stream to the peer is open. */
  get connected(): boolean {
    return this.socket !== undefined;
  }

  /** Messages waiting to be written. */
  get queued(): number {
    return this.queue.length;
  }

  /** Queues messages for the peer and makes sure a write or a connection is on its way. */
  enqueue(messages: readonly Message[]): void {
    if (this.closed) return;
    for (const m of messages) this.queue.push(m);
    const excess = this.queue.length - this.options.maxQueuedMessages;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.options.logger.debug('raft peer queue full, dropped oldest', {
        peer: this.options.peerId,
        dropped: excess,
      });
      this.reportUnreachable();
    }
    if (this.socket) this.scheduleFlush();
    else if (!this.attempt && !this.cancelRetry) this.connect();
  }

  /** Drops the queue, abandons any attempt or retry and destroys the stream. Idempotent. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.cancelConnectTimeout?.();
    this.attempt?.abort();
    this.attempt = undefined;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): void {
    const attempt = new AbortController();
    this.attempt = attempt;
    const cancelTimeout = this.options.clock.setTimer(this.options.connectTimeoutMs, () => {
      attempt.abort();
      this.failed(attempt, new Error(`no connection within ${this.options.connectTimeoutMs} ms`));
    });
    this.cancelConnectTimeout = cancelTimeout;
    const settle = (): void => {
      cancelTimeout();
      if (this.cancelConnectTimeout === cancelTimeout) this.cancelConnectTimeout = undefined;
    };
    // The executor turns a socket layer that throws synchronously into a rejection.
    const opening = new Promise<Duplex>((resolve) => {
      resolve(this.options.socketLayer.connect(this.options.address, attempt.signal));
    });
    void opening.then(
      (socket) => {
        settle();
        if (this.attempt !== attempt) socket.destroy();
        else this.attach(socket);
      },
      (err: unknown) => {
        settle();
        this.failed(attempt, err);
      },
    );
  }

  private failed(attempt: AbortController, err: unknown): void {
    if (this.attempt !== attempt) return;
    this.attempt = undefined;
    this.options.logger.debug('raft peer connection failed', {
      peer: this.options.peerId,
      address: this.options.address,
      error: err instanceof Error ? err.message : String(err),
    });
    this.lost();
  }

  private attach(socket: Duplex): void {
    this.attempt = undefined;
    this.socket = socket;
    this.connectedAt = this.options.clock.now();
    this.needHello = true;
    this.waitingForDrain = false;
    socket.on('error', (err) => {
      this.options.logger.debug('raft peer stream error', {
        peer: this.options.peerId,
        error: err.message,
      });
    });
    socket.on('close', () => this.detached(socket));
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
    // The receiver never writes back; reading keeps a misbehaving one from stalling us.
    socket.resume();
    this.flush();
  }

  private detached(socket: Duplex): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    if (this.closed) return;
    if (this.options.clock.now() - this.connectedAt >= this.options.backoff.maxMs)
      this.failures = 0;
    this.lost();
  }

  /** After a failed attempt or a lost stream: report, then retry after the backoff. */
  private lost(): void {
    if (this.closed) return;
    this.reportUnreachable();
    const { initialMs, maxMs } = this.options.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    this.cancelRetry = this.options.clock.setTimer(delay, () => {
      this.cancelRetry = undefined;
      if (!this.closed && !this.socket && this.queue.length > 0) this.connect();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One write per event-loop turn gathers every send() of that turn into one batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || this.waitingForDrain || (this.queue.length === 0 && !this.needHello)) return;
    const batch = this.queue;
    this.queue = [];
    const frames: Frame[] = [];
    if (this.needHello) {
      frames.push({
        kind: FrameKind.hello,
        body: encodeHello({ from: this.options.localId, to: this.options.peerId }),
      });
      this.needHello = false;
    }
    for (const message of batch) {
      const body = this.encode(message);
      if (body) frames.push({ kind: FrameKind.message, body });
    }
    if (!socket.write(encodeFrames(frames))) this.waitingForDrain = true;
  }

  private encode(message: Message): Buffer | undefined {
    try {
      const body = encodeMessage(message);
      if (frameLength(body.length) <= this.options.maxFrameBytes) return body;
      this.options.logger.error('raft message larger than the frame limit, dropped', {
        peer: this.options.peerId,
        type: message.type,
        bytes: body.length,
      });
    } catch (err) {
      this.options.logger.error('raft message could not be encoded, dropped', {
        peer: this.options.peerId,
        type: message.type,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    return undefined;
  }

  private reportUnreachable(): void {
    const peer = this.options.peerId;
    // Never from inside send(): the caller may be in the middle of handling a Ready.
    queueMicrotask(() => {
      if (!this.closed) this.options.onUnreachable(peer);
    });
  }
}
