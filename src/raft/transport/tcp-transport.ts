import type { Duplex } from 'node:stream';
import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import type { Message, NodeId } from '../core/types.ts';
import type { Hello } from './frame.ts';
import { DEFAULT_MAX_FRAME_BYTES } from './frame.ts';
import { InboundConnection } from './inbound-connection.ts';
import type { Backoff } from './peer-connection.ts';
import { PeerConnection } from './peer-connection.ts';
import type { Listener, SocketLayer } from './socket-layer.ts';
import { netSocketLayer } from './socket-layer.ts';
import type { MessageHandler, Transport } from './types.ts';

/** Settings of a {@link TcpTransport}; only `id` is required. */
export interface TcpTransportOptions {
  /** This member. */
  readonly id: NodeId;
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port to listen on; 0 (the default) picks a free one, see {@link TcpTransport.address}. */
  readonly port?: number;
  /** How streams are opened; default plain TCP ({@link netSocketLayer}). */
  readonly socketLayer?: SocketLayer;
  /** Per-peer bound on messages waiting for the socket; the oldest go first. Default 4096. */
  readonly maxQueuedMessages?: number;
  /** Largest frame sent or accepted (kind byte + encoded message). Default 64 MiB. */
  readonly maxFrameBytes?: number;
  /** Delay between reconnection attempts. Default 50 ms doubling up to 2 s. */
  readonly backoff?: Backoff;
  /** Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** An accepted stream must say hello within this time. Default 5 s. */
  readonly handshakeTimeoutMs?: number;
  /**
   * Extra admission check on each accepted stream's hello, e.g. that the peer's TLS
   * certificate names the member the hello claims. Default: accept every hello to this member.
   */
  readonly acceptHello?: (hello: Hello, socket: Duplex) => boolean;
}

/** Injected services of a {@link TcpTransport}. */
export interface TcpTransportDeps {
  /** Drives backoff, connect and handshake timeouts. */
  readonly clock: Clock;
  readonly logger?: Logger;
}

/**
 * Raft messages over TCP (or any {@link SocketLayer}). Each member dials one outbound stream
 * per peer for what it sends and accepts the peers' streams for what it receives, so no
 * connection is ever shared or negotiated. Messages are length-prefixed frames (see
 * `frame.ts`) carrying `encodeMessage` bodies, batched into one write per peer per
 * event-loop turn; each peer's queue, reconnection and unreachable reports are described on
 * {@link PeerConnection}, and the checks on received streams on {@link InboundConnection}.
 *
 * Lifecycle: construct, `onMessage`, `start()` (listen), `setPeer` for each peer, then
 * `send` at will; `close()` releases every socket and timer. `send` never throws.
 */
export class TcpTransport implements Transport {
  private readonly peers = new Map<NodeId, PeerConnection>();
  private readonly addresses = new Map<NodeId, string>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly socketLayer: SocketLayer;
  private readonly logger: Logger;
  private handler: MessageHandler | undefined;
  private unreachableHandler: ((peer: NodeId) => void) | undefined;
  private listener: Listener | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: TcpTransportOptions,
    private readonly deps: TcpTransportDeps,
  ) {
    this.socketLayer = options.socketLayer ?? netSocketLayer;
    this.logger = (deps.logger ?? silentLogger).child({
      component: 'raft-transport',
      member: options.id,
    });
  }

  /** This member's ID. */
  get id(): NodeId {
    return this.options.id;
  }

  /** The bound `host:port` (with the real port when 0 was asked for); throws before `start`. */
  get address(): string {
    if (!this.listener)
      throw new Error('TcpTransport.address is known only once start() has resolved');
    return this.listener.address;
  }

  /** Starts listening; rejects if the address cannot be bound or the transport is closed. */
  async start(): Promise<void> {
    if (this.closing) throw new Error('TcpTransport is closed');
    if (this.listener) return;
    const listener = await this.socketLayer.listen(
      this.options.host ?? '127.0.0.1',
      this.options.port ?? 0,
      (s) => this.accept(s),
    );
    if (this.closing) {
      await listener.close();
      throw new Error('TcpTransport closed while starting');
    }
    this.listener = listener;
    this.logger.debug('raft transport listening', { address: listener.address });
  }

  send(messages: readonly Message[]): void {
    if (this.closing) return;
    const byPeer = new Map<NodeId, Message[]>();
    const unknown = new Set<NodeId>();
    for (const m of messages) {
      if (m.to === this.options.id) continue;
      if (!this.addresses.has(m.to)) {
        unknown.add(m.to);
        continue;
      }
      const batch = byPeer.get(m.to);
      if (batch) batch.push(m);
      else byPeer.set(m.to, [m]);
    }
    for (const [peer, batch] of byPeer) this.connection(peer).enqueue(batch);
    if (unknown.size > 0) {
      queueMicrotask(() => {
        for (const peer of unknown) this.unreachableHandler?.(peer);
      });
    }
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  onUnreachable(handler: (peer: NodeId) => void): void {
    this.unreachableHandler = handler;
  }

  /** A changed address closes the current stream to that peer; the next send dials the new one. */
  setPeer(peer: NodeId, address: string): void {
    if (this.closing || this.addresses.get(peer) === address) return;
    this.addresses.set(peer, address);
    this.peers.get(peer)?.close();
    this.peers.delete(peer);
  }

  /** Forgets the peer: its queue is dropped and its outbound stream closed. */
  removePeer(peer: NodeId): void {
    this.addresses.delete(peer);
    this.peers.get(peer)?.close();
    this.peers.delete(peer);
  }

  /** Closes the listener, every stream and every timer. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    for (const connection of this.inbound) connection.close();
    this.inbound.clear();
    await this.listener?.close();
  }

  private connection(peer: NodeId): PeerConnection {
    let connection = this.peers.get(peer);
    if (!connection) {
      connection = new PeerConnection({
        localId: this.options.id,
        peerId: peer,
        address: this.addresses.get(peer)!,
        socketLayer: this.socketLayer,
        maxQueuedMessages: this.options.maxQueuedMessages ?? 4096,
        maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        backoff: this.options.backoff ?? { initialMs: 50, maxMs: 2000 },
        connectTimeoutMs: this.options.connectTimeoutMs ?? 5000,
        clock: this.deps.clock,
        logger: this.logger,
        onUnreachable: (p) => this.unreachableHandler?.(p),
      });
      this.peers.set(peer, connection);
    }
    return connection;
  }

  private accept(socket: Duplex): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const connection = new InboundConnection(socket, {
      localId: this.options.id,
      maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 5000,
      ...(this.options.acceptHello ? { acceptHello: this.options.acceptHello } : {}),
      clock: this.deps.clock,
      logger: this.logger,
      deliver: (message) => this.handler?.(message),
      onClose: (c) => this.inbound.delete(c),
    });
    this.inbound.add(connection);
  }
}
