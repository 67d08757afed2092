import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { Hello } from '../../raft/transport/frame.ts';
import type { Listener, SocketLayer } from '../../raft/transport/socket-layer.ts';
import { connectAbortable, parseAddress } from '../../raft/transport/socket-layer.ts';
import { readNodeIdentity } from '../ca/node-certificate.ts';
import { mutualTlsClientOptions } from '../ca/tls-identity.ts';
import type { TlsIdentity } from '../ca/tls-identity.ts';
import { RAFT_ALPN } from './cluster-listener.ts';
import type { ClusterListener, ClusterPolicy } from './cluster-listener.ts';

/** Settings of a {@link TlsSocketLayer}. */
export interface TlsSocketLayerOptions {
  /** The node's current identity, read at each dial (so renewals apply to new streams). */
  readonly identity: () => TlsIdentity;
  /** Checks the server: right cluster, not removed, valid now; the role must be manager. */
  readonly policy: ClusterPolicy;
  /** Where accepted Raft streams come from: the node's one listener on the listen address. */
  readonly listener: ClusterListener;
  /** The node ID expected at `address`, when known; the server's certificate must name it. */
  readonly expectedNodeId?: (address: string) => string | undefined;
}

/**
 * The Raft transport's {@link SocketLayer} on the cluster port. `connect` dials mutual TLS
 * with ALPN `shoal-raft/1`, presenting this node's certificate and checking the server's
 * against the policy (a manager of this cluster, and the expected node when known); it
 * resolves only after the handshake and those checks. `listen` binds nothing: it installs
 * the transport as the listener's Raft receiver, and its `address` is the listener's.
 */
export class TlsSocketLayer implements SocketLayer {
  private readonly outbound = new Map<string, Set<TLSSocket>>();

  constructor(private readonly options: TlsSocketLayerOptions) {}

  connect(address: string, signal: AbortSignal): Promise<Duplex> {
    const open = (): TLSSocket => {
      const { host, port } = parseAddress(address);
      const expected = this.options.expectedNodeId?.(address);
      const policy = {
        ...this.options.policy,
        allowedRoles: ['manager'] as const,
        ...(expected === undefined ? {} : { expectedNodeId: expected }),
      };
      return tls.connect({
        ...mutualTlsClientOptions(this.options.identity(), policy),
        host,
        port,
        ALPNProtocols: [RAFT_ALPN],
      });
    };
    const speaksRaft = (socket: TLSSocket): Error | undefined =>
      socket.alpnProtocol === RAFT_ALPN
        ? undefined
        : new Error(`${address} does not speak ${RAFT_ALPN}`);
    return connectAbortable(address, signal, open, 'secureConnect', speaksRaft).then((socket) => {
      socket.setNoDelay(true);
      this.track(socket);
      return socket;
    });
  }

  listen(_host: string, _port: number, onConnection: (socket: Duplex) => void): Promise<Listener> {
    const listener = this.options.listener;
    listener.onRaftConnection(onConnection);
    return Promise.resolve({
      address: listener.address,
      close: () => {
        listener.onRaftConnection(undefined);
        return Promise.resolve();
      },
    });
  }

  /** Destroys this node's open Raft streams to `nodeId` (removed from the cluster); returns how many. */
  disconnectNode(nodeId: string): number {
    const sockets = [...(this.outbound.get(nodeId) ?? [])];
    for (const socket of sockets) socket.destroy();
    return sockets.length;
  }

  private track(socket: TLSSocket): void {
    const cert = socket.getPeerX509Certificate();
    if (cert === undefined) return;
    const nodeId = readNodeIdentity(cert.raw).nodeId;
    let set = this.outbound.get(nodeId);
    if (!set) this.outbound.set(nodeId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.outbound.get(nodeId) === set) this.outbound.delete(nodeId);
    });
  }
}

/**
 * A `TcpTransport` `acceptHello` check for streams from a {@link ClusterListener}: the member
 * a hello claims to be (`hello.from`, a Raft ID) must be the node the stream's certificate
 * names, according to `nodeIdOfMember` (the manager's Raft membership). Unknown members and
 * sockets the listener did not verify are refused.
 */
export function raftHelloCheck(
  listener: ClusterListener,
  nodeIdOfMember: (raftId: number) => string | undefined,
): (hello: Hello, socket: Duplex) => boolean {
  return (hello, socket) => {
    const identity = listener.identityOf(socket);
    const expected = nodeIdOfMember(hello.from);
    return identity !== undefined && expected !== undefined && identity.nodeId === expected;
  };
}
