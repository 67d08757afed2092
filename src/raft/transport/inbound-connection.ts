import type { Duplex } from 'node:stream';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { decodeMessage } from '../codec/index.ts';
import type { Message, NodeId } from '../core/types.ts';
import type { Hello } from './frame.ts';
import { FrameDecoder, FrameError, FrameKind, decodeHello } from './frame.ts';

/** What an {@link InboundConnection} needs from its transport. */
export interface InboundConnectionOptions {
  /** This member: hellos and messages addressed to anyone else are rejected. */
  readonly localId: NodeId;
  readonly maxFrameBytes: number;
  /** A connection that has not said hello within this many ms is closed. */
  readonly handshakeTimeoutMs: number;
  /** Extra admission check on the hello (e.g. the TLS certificate names that member). */
  readonly acceptHello?: (hello: Hello, socket: Duplex) => boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Receives each valid message, in stream order. */
  readonly deliver: (message: Message) => void;
  /** Called once, when the socket has closed for any reason. */
  readonly onClose: (connection: InboundConnection) => void;
}

/**
 * The receiving end of one peer's stream. It expects a hello naming this member, then
 * message frames whose `from` is the member that said hello and whose `to` is this member.
 * Anything else (a bad frame, an oversized length, an undecodable message, a missing
 * hello) closes this connection only; the sender will reconnect. An exception from
 * `deliver` is logged and does not close the connection.
 */
export class InboundConnection {
  private peer: NodeId = 0;
  private closed = false;
  private readonly decoder: FrameDecoder;
  private cancelHandshakeTimer: CancelTimer | undefined;

  constructor(
    private readonly socket: Duplex,
    private readonly options: InboundConnectionOptions,
  ) {
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) =>
      options.logger.debug('inbound raft connection error', { error: err.message }),
    );
    socket.on('close', () => {
      this.closed = true;
      this.cancelHandshakeTimer?.();
      options.onClose(this);
    });
    this.cancelHandshakeTimer = options.clock.setTimer(options.handshakeTimeoutMs, () => {
      if (this.peer === 0) this.reject('no hello within the handshake timeout');
    });
  }

  /** The member that said hello, or 0 before the hello. */
  get remoteId(): NodeId {
    return this.peer;
  }

  /** Destroys the socket; pending bytes are discarded. Idempotent. */
  close(): void {
    this.closed = true;
    this.cancelHandshakeTimer?.();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.decoder.push(chunk, (frame) => {
        if (this.closed) return;
        const message = this.accept(frame.kind, frame.body);
        if (message) this.handOver(message);
      });
    } catch (err) {
      this.reject(describe(err));
    }
  }

  /** Validates one frame; returns the message it carries, or undefined after a hello or a reject. */
  private accept(kind: number, body: Buffer): Message | undefined {
    try {
      if (this.peer === 0) {
        if (kind !== FrameKind.hello)
          throw new FrameError(`expected hello, got frame kind ${kind}`);
        const hello = decodeHello(body);
        if (hello.to !== this.options.localId) {
          throw new FrameError(
            `hello addressed to member ${hello.to}, this is member ${this.options.localId}`,
          );
        }
        if (this.options.acceptHello && !this.options.acceptHello(hello, this.socket)) {
          throw new FrameError(`hello from member ${hello.from} refused`);
        }
        this.peer = hello.from;
        this.cancelHandshakeTimer?.();
        return undefined;
      }
      if (kind !== FrameKind.message) throw new FrameError(`unexpected frame kind ${kind}`);
      const message = decodeMessage(body);
      if (message.from !== this.peer || message.to !== this.options.localId) {
        throw new FrameError(
          `message ${message.from}→${message.to} on the stream of ${this.peer}→${this.options.localId}`,
        );
      }
      return message;
    } catch (err) {
      this.reject(describe(err));
      return undefined;
    }
  }

  private handOver(message: Message): void {
    try {
      this.options.deliver(message);
    } catch (err) {
      this.options.logger.error('raft message handler threw', {
        from: message.from,
        error: describe(err),
      });
    }
  }

  private reject(reason: string): void {
    this.options.logger.warn('closing inbound raft connection', { peer: this.peer, reason });
    this.close();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
