import http2 from 'node:http2';
import type { Http2Session, ServerHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { ShoalError } from '../../base/errors.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import { formatAddress } from '../../raft/transport/socket-layer.ts';
import type { NodeIdentity } from '../ca/node-certificate.ts';
import { authorizePeer, mutualTlsServerOptions, verifyPeer } from '../ca/tls-identity.ts';
import type { PeerPolicy, TlsIdentity } from '../ca/tls-identity.ts';
import { anonymousCaller, nodeCaller } from './rpc-caller.ts';
import type { Caller } from './rpc-caller.ts';
import type { RpcServer } from './rpc-server.ts';
import { replyError } from './rpc-server.ts';

/** ALPN name of the raw Raft message stream. */
export const RAFT_ALPN = 'shoal-raft/1';
/** ALPN name of the RPC layer (HTTP/2). */
export const RPC_ALPN = 'h2';

/** The cluster-wide part of the peer policy; `allowedRoles` is set per protocol. */
export type ClusterPolicy = Omit<PeerPolicy, 'allowedRoles' | 'expectedNodeId'>;

/** Receives each accepted Raft stream, with the manager its certificate names. */
export type RaftConnectionHandler = (socket: TLSSocket, peer: NodeIdentity) => void;

/** Settings of a {@link ClusterListener}. */
export interface ClusterListenerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (a free port); Swarm's is 2377. */
  readonly port?: number;
  readonly identity: TlsIdentity;
  readonly policy: ClusterPolicy;
  /** Serves the `h2` protocol. */
  readonly rpc: RpcServer;
  readonly logger?: Logger;
}

/** What a session's connection proved: a caller, or why every call on it is refused. */
type SessionPeer =
  { readonly caller: Caller; readonly identity?: NodeIdentity } | { readonly refused: ShoalError };

/**
 * The node's one TLS listener on the listen address, serving two protocols chosen by ALPN:
 * `shoal-raft/1` (a Raft message stream, handed to {@link onRaftConnection}; managers only) and
 * `h2` (the RPC layer). A client certificate is requested on every handshake but only
 * checked afterwards, against the policy (`verifyPeer`): a certificate-less `h2` connection is
 * an anonymous caller (only `anonymous` methods answer it); an `h2` connection with a refused
 * certificate gets the refusal as the reply to its calls and is closed; a Raft connection
 * without a valid manager certificate is destroyed unread. Each call re-checks its caller's
 * identity against the policy, so a removal or expiry takes effect at once even on an open
 * connection; {@link disconnectNode} also cuts them.
 */
export class ClusterListener {
  private readonly server: tls.Server;
  private readonly h2 = http2.createServer();
  private readonly logger: Logger;
  private readonly sockets = new Set<TLSSocket>();
  private readonly byNode = new Map<string, Set<TLSSocket>>();
  private readonly identities = new WeakMap<object, NodeIdentity>();
  private readonly sessionPeers = new WeakMap<Http2Session, SessionPeer>();
  private pendingPeer: SessionPeer | undefined;
  private raftHandler: RaftConnectionHandler | undefined;
  private bound: string | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ClusterListenerOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'cluster-listener' });
    this.server = tls.createServer(this.tlsOptions(options.identity), (socket) =>
      this.accept(socket),
    );
    this.server.on('tlsClientError', (err) =>
      this.logger.debug('cluster handshake failed', { error: err.message }),
    );
    this.h2.on('session', (session) => {
      if (this.pendingPeer) this.sessionPeers.set(session, this.pendingPeer);
      session.on('error', (err: Error) =>
        this.logger.debug('rpc session error', { error: err.message }),
      );
    });
    this.h2.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  /** The bound `host:port`; throws before {@link start} resolved. */
  get address(): string {
    if (this.bound === undefined)
      throw new Error('ClusterListener.address is known only after start()');
    return this.bound;
  }

  /** Binds the listen address; rejects if it cannot be bound or the listener is closed. */
  async start(): Promise<void> {
    if (this.closing) throw new Error('ClusterListener is closed');
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        this.server.on('error', (err: Error) =>
          this.logger.warn('cluster listener error', { error: err.message }),
        );
        resolve();
      });
    });
    const bound = this.server.address() as AddressInfo;
    this.bound = formatAddress(bound.address, bound.port);
  }

  /**
   * Installs (or, with `undefined`, removes) the receiver of Raft streams. Raft connections
   * arriving while none is installed are closed.
   */
  onRaftConnection(handler: RaftConnectionHandler | undefined): void {
    this.raftHandler = handler;
  }

  /**
   * Presents `identity` (renewed certificate, new trusted roots) on handshakes from now on.
   * Open connections keep the context they were made with.
   */
  setIdentity(identity: TlsIdentity): void {
    this.server.setSecureContext(this.tlsOptions(identity));
  }

  /** The verified identity of an accepted socket, or undefined (anonymous or unknown socket). */
  identityOf(socket: object): NodeIdentity | undefined {
    return this.identities.get(socket);
  }

  /** Destroys every open connection from `nodeId` (Raft and RPC); returns how many. */
  disconnectNode(nodeId: string): number {
    const sockets = [...(this.byNode.get(nodeId) ?? [])];
    for (const socket of sockets) socket.destroy();
    return sockets.length;
  }

  /** Stops listening and destroys every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.options.rpc.abortAll();
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    for (const socket of this.sockets) socket.destroy();
    this.h2.close();
    await closed;
  }

  private tlsOptions(identity: TlsIdentity): tls.TlsOptions {
    // The certificate is requested but judged after the handshake, so that a joining node
    // without one can still reach the anonymous RPCs.
    return {
      ...mutualTlsServerOptions(identity),
      rejectUnauthorized: false,
      ALPNProtocols: [RPC_ALPN, RAFT_ALPN],
    };
  }

  private accept(socket: TLSSocket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    socket.on('error', (err: Error) =>
      this.logger.debug('cluster socket error', { error: err.message }),
    );
    const protocol = socket.alpnProtocol;
    if (protocol === RAFT_ALPN) this.acceptRaft(socket);
    else if (protocol === RPC_ALPN) this.acceptRpc(socket);
    else {
      this.logger.debug('cluster connection without a known ALPN protocol', { protocol });
      socket.destroy();
    }
  }

  private acceptRaft(socket: TLSSocket): void {
    let peer: NodeIdentity;
    try {
      peer = verifyPeer(socket, { ...this.options.policy, allowedRoles: ['manager'] });
    } catch (err) {
      this.logger.info('raft connection refused', { error: (err as Error).message });
      socket.destroy();
      return;
    }
    if (!this.raftHandler) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.track(socket, peer);
    this.raftHandler(socket, peer);
  }

  private acceptRpc(socket: TLSSocket): void {
    let peer: SessionPeer = { caller: anonymousCaller };
    if (socket.getPeerX509Certificate() !== undefined) {
      try {
        const identity = verifyPeer(socket, this.options.policy);
        this.track(socket, identity);
        peer = { caller: nodeCaller(identity), identity };
      } catch (err) {
        this.logger.info('rpc connection refused', { error: (err as Error).message });
        peer = { refused: err as ShoalError };
      }
    }
    if (!this.sockets.has(socket)) this.track(socket, undefined);
    // The HTTP/2 server's connection listener creates the session synchronously.
    this.pendingPeer = peer;
    this.h2.emit('connection', socket);
    this.pendingPeer = undefined;
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    const peer = this.sessionPeers.get(stream.session as Http2Session);
    if (peer === undefined || 'refused' in peer) {
      stream.on('error', () => {});
      replyError(stream, peer?.refused ?? new Error('unknown session'));
      stream.session?.close();
      return;
    }
    if (peer.identity) {
      try {
        authorizePeer(peer.identity, this.options.policy);
      } catch (err) {
        stream.on('error', () => {});
        replyError(stream, err);
        stream.session?.close();
        return;
      }
    }
    this.options.rpc.handle(stream, headers, peer.caller);
  }

  private track(socket: TLSSocket, identity: NodeIdentity | undefined): void {
    this.sockets.add(socket);
    if (identity) {
      this.identities.set(socket, identity);
      let set = this.byNode.get(identity.nodeId);
      if (!set) this.byNode.set(identity.nodeId, (set = new Set()));
      set.add(socket);
    }
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (!identity) return;
      const set = this.byNode.get(identity.nodeId);
      set?.delete(socket);
      if (set?.size === 0) this.byNode.delete(identity.nodeId);
    });
  }
}
