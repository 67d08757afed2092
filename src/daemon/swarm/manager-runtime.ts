import { runRootRotationOnLeader } from '../../manager/ca-rotation/leader-root-rotation.ts';
import type { LeaderRootRotation } from '../../manager/ca-rotation/leader-root-rotation.ts';
import type { TaskLogMessage, TaskLogSelector } from '../../api/objects/log-message.ts';
import { notLeader } from '../../manager/controlapi/control-errors.ts';
import { subscribeLogsMethod } from '../../manager/logbroker/log-rpc-methods.ts';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../base/atomic-file.ts';
import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { RandomBytes } from '../../manager/ca/random-bytes.ts';
import { mutualTlsClientOptions } from '../../manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import { isRemoved } from '../../manager/controlapi/nodes.ts';
import { registerDispatcherRpc } from '../../manager/dispatcher/rpc-handlers.ts';
import { registerJoinRpc } from '../../manager/join/join-rpc.ts';
import { registerRaftJoinRpc } from '../../manager/join/raft-join-rpc.ts';
import type { ManagerKeyring } from '../../manager/keys/manager-keyring.ts';
import { Manager } from '../../manager/manager.ts';
import { ClusterListener } from '../../manager/rpc/cluster-listener.ts';
import type { ClusterPolicy } from '../../manager/rpc/cluster-listener.ts';
import { RpcClient } from '../../manager/rpc/rpc-client.ts';
import { RpcServer } from '../../manager/rpc/rpc-server.ts';
import { TlsSocketLayer, raftHelloCheck } from '../../manager/rpc/tls-socket-layer.ts';
import type { NodeId } from '../../raft/core/types.ts';
import { FileStorage } from '../../raft/storage/file-storage.ts';
import { TcpTransport } from '../../raft/transport/tcp-transport.ts';
import { raftMembers } from '../../store/tables.ts';

/** What a {@link ManagerRuntime} runs as. */
export interface ManagerRuntimeOptions {
  readonly nodeId: string;
  readonly clusterId: string;
  readonly raftId: NodeId;
  readonly identity: TlsIdentity;
  /** The cluster listener's address; port 0 picks a free one (see {@link ManagerRuntime.listenAddress}). */
  readonly listen: { readonly host: string; readonly port: number };
  /** Raft WAL and snapshots. */
  readonly raftDir: string;
  /**
   * This manager's keys: the Raft storage is encrypted under its DEK, and it follows the
   * cluster record (unlock key, root CA key) while the manager runs. Without one the Raft data
   * is written in clear (tests of other layers only; the daemon always gives one).
   */
  readonly keyring?: ManagerKeyring;
  /** True for `swarm init` (bootstrap an empty log with this member as the only voter). */
  readonly bootstrap: boolean;
  /** Raft tick; default the RaftNode's. */
  readonly tickMs?: number;
  /**
   * A manager join: the members the leader named. They are dialled at once, and their hellos
   * are accepted from any manager certificate of the cluster until the replicated member
   * table names their nodes (it is empty until the leader's first append arrives).
   */
  readonly peers?: readonly { readonly raftId: NodeId; readonly addr: string }[];
}

interface CurrentIdentity {
  identity: TlsIdentity;
  clusterId: string;
}

/** What a {@link ManagerRuntime} takes from the daemon. */
export interface ManagerRuntimeDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  /** Node IDs and certificate serials of the nodes this manager admits. */
  readonly randomBytes: RandomBytes;
}

/**
 * A running manager: the cluster listener on the listen address (mutual TLS), the Raft
 * transport over it, the FileStorage under the raft dir, and the {@link Manager}. Built by
 * {@link ManagerRuntime.start}; `stop` closes all of it (idempotent). Peers learnt from the
 * store's Raft members (after a restart) and from applied membership changes are dialled at
 * the address they were admitted with. The RPC server answers the dispatcher (heartbeats) and
 * the CA (`getRootCA`, `join`, `renewCertificate`) and promoted nodes (`raftJoin`); a follower
 * proxies joins to the leader over its own mutual-TLS client.
 */
export class ManagerRuntime {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly manager: Manager,
    private readonly listener: ClusterListener,
    private readonly transport: TcpTransport,
    private readonly current: CurrentIdentity,
    private readonly leaderClient: RpcClient,
    /** The RPC server behind the cluster listener's `h2` protocol; register methods here. */
    readonly rpc: RpcServer,
    private readonly keyring: ManagerKeyring | undefined,
    private readonly rotation: LeaderRootRotation,
  ) {}

  /**
   * Presents `identity` from now on, and accepts peers of `clusterId` only. `swarm init` learns
   * the cluster ID from the store after the manager has started, and re-issues its certificate.
   */
  setIdentity(identity: TlsIdentity, clusterId: string): void {
    this.current.identity = identity;
    this.current.clusterId = clusterId;
    this.listener.setIdentity(identity);
  }

  /** The identity the cluster port presents now (see {@link setIdentity}). */
  get identity(): TlsIdentity {
    return this.current.identity;
  }

  /** The bound `host:port` of the cluster listener. */
  get listenAddress(): string {
    return this.listener.address;
  }

  /** Starts listener, transport and manager; on failure closes what was started and rejects. */
  static async start(
    options: ManagerRuntimeOptions,
    deps: ManagerRuntimeDeps,
  ): Promise<ManagerRuntime> {
    const logger = deps.logger.child({ component: 'swarm-manager' });
    const current: CurrentIdentity = { identity: options.identity, clusterId: options.clusterId };
    let manager: Manager | undefined;
    let rotation: LeaderRootRotation | undefined;
    const memberNode = (raftId: number): string | undefined =>
      manager?.store.view((r) => {
        // A removed member (after `--force-new-cluster`, or a demotion) must not be heard again:
        // it could carry the old membership back in.
        const member = r.get(raftMembers, String(raftId));
        return member === undefined || member.Removed === true ? undefined : member.NodeID;
      });
    const policy: ClusterPolicy = {
      get clusterId() {
        return current.clusterId;
      },
      now: () => deps.clock.now(),
      isRemoved: (nodeId) => manager?.store.view((r) => isRemoved(r, nodeId)) ?? false,
    };
    const rpc = new RpcServer({ logger });
    const listener = new ClusterListener({
      host: options.listen.host,
      port: options.listen.port,
      identity: options.identity,
      policy,
      rpc,
      logger,
    });
    const layer = new TlsSocketLayer({ identity: () => current.identity, policy, listener });
    const transport = new TcpTransport(
      {
        id: options.raftId,
        socketLayer: layer,
        acceptHello: helloCheck(listener, memberNode, options.peers ?? []),
      },
      { clock: deps.clock, logger },
    );
    const leaderClient = new RpcClient(
      {
        tlsOptions: () =>
          mutualTlsClientOptions(current.identity, { ...policy, allowedRoles: ['manager'] }),
      },
      { clock: deps.clock },
    );
    try {
      await listener.start();
      await transport.start();
      manager = new Manager(
        {
          raftId: options.raftId,
          ...(options.bootstrap ? { bootstrap: [options.raftId] } : {}),
          storage: new FileStorage(
            options.raftDir,
            options.keyring === undefined ? {} : { cipher: options.keyring.cipher },
          ),
          transport,
          ...(options.tickMs === undefined ? {} : { raft: { tickMs: options.tickMs } }),
          onConfChange: (change, _state, addr) => {
            if (change.nodeId === options.raftId) return;
            if (change.type === 'removeNode') transport.removePeer(change.nodeId);
            else if (addr !== '') transport.setPeer(change.nodeId, addr);
          },
        },
        { clock: deps.clock, random: deps.random, logger },
      );
      await manager.start();
      options.keyring?.follow(manager.store);
      registerDispatcherRpc(rpc, manager);
      registerJoinRpc(rpc, manager, {
        clock: deps.clock,
        randomBytes: deps.randomBytes,
        leaderClient,
      });
      rotation = runRootRotationOnLeader(manager, {
        clock: deps.clock,
        randomBytes: deps.randomBytes,
        logger,
      });
      registerRaftJoinRpc(rpc, manager);
      for (const peer of options.peers ?? []) {
        if (peer.raftId !== options.raftId) transport.setPeer(peer.raftId, peer.addr);
      }
      for (const member of manager.store.view((r) => r.all(raftMembers))) {
        if (member.RaftID !== options.raftId && member.Removed !== true) {
          transport.setPeer(member.RaftID, member.Addr);
        }
      }
      return new ManagerRuntime(
        manager,
        listener,
        transport,
        current,
        leaderClient,
        rpc,
        options.keyring,
        rotation,
      );
    } catch (err) {
      await rotation?.stop();
      leaderClient.close();
      await options.keyring?.stop();
      await manager?.stop();
      await transport.close();
      await listener.close();
      throw err;
    }
  }

  /**
   * Resolves once this manager leads and runs its leader-only components; rejects after
   * `timeoutMs` naming what it waited for.
   */
  waitForLeadership(clock: Clock, timeoutMs: number): Promise<void> {
    const manager = this.manager;
    if (manager.isLeader()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let cancelPoll = (): void => {};
      const cancelTimeout = clock.setTimer(timeoutMs, () => {
        cancelPoll();
        reject(new Error(`this manager did not become the Raft leader within ${timeoutMs} ms`));
      });
      // Leader components start on a queued transition after the Raft leader change, so poll
      // the manager's own view rather than the Raft event.
      const poll = (): void => {
        if (manager.isLeader()) {
          cancelTimeout();
          resolve();
        } else cancelPoll = clock.setTimer(20, poll);
      };
      poll();
    });
  }

  /**
   * Task logs for `service logs` / `task logs` served by this manager: the leader reads its
   * own log broker; a follower streams the leader's (`logs.subscribe`). Without a leader the
   * stream fails with Docker's no-leader text.
   */
  async *subscribeLogs(
    selector: TaskLogSelector,
    signal: AbortSignal,
  ): AsyncIterable<TaskLogMessage> {
    const broker = this.manager.dispatcher()?.logs;
    if (broker !== undefined) {
      yield* broker.subscribe(selector, signal);
      return;
    }
    const leader = this.manager.raft.leader();
    const member = this.manager.store
      .view((r) => r.all(raftMembers))
      .find((m) => m.RaftID === leader);
    if (leader === 0 || member === undefined) throw notLeader(leader);
    for await (const m of this.leaderClient.stream(member.Addr, subscribeLogsMethod, selector, {
      signal,
    })) {
      yield { ...m, data: Buffer.from(m.data, 'base64') };
    }
  }

  /** The keys this manager runs with, if any (see {@link ManagerRuntimeOptions.keyring}). */
  get keys(): ManagerKeyring | undefined {
    return this.keyring;
  }

  /**
   * Stops following the cluster record (after a last re-seal for it), the manager (and with
   * it Raft and the storage), the transport, then the listener.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.rotation.stop();
      this.leaderClient.close();
      await this.keyring?.stop();
      await this.manager.stop();
      await this.transport.close();
      await this.listener.close();
    })();
    return this.stopping;
  }
}

/** {@link raftHelloCheck}, widened to the join's peers while the store does not know them. */
function helloCheck(
  listener: ClusterListener,
  memberNode: (raftId: number) => string | undefined,
  peers: readonly { readonly raftId: NodeId }[],
): ReturnType<typeof raftHelloCheck> {
  const strict = raftHelloCheck(listener, memberNode);
  const admitted = new Set(peers.map((p) => p.raftId));
  return (hello, socket) =>
    strict(hello, socket) ||
    (admitted.has(hello.from) &&
      memberNode(hello.from) === undefined &&
      // The listener verified a manager certificate of this cluster on this socket.
      listener.identityOf(socket) !== undefined);
}

const memberFile = 'member.json';

/** What a manager must know to restart as the same Raft member on the same address. */
export interface MemberRecord {
  readonly raftId: NodeId;
  /** The cluster listener's bound `host:port` (the real port when 0 was asked for). */
  readonly listenAddr: string;
}

/** Records the member beside its Raft log (mode 0600), so a restart rejoins as the same member. */
export async function saveMemberRecord(raftDir: string, record: MemberRecord): Promise<void> {
  await mkdir(raftDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(raftDir, memberFile), JSON.stringify(record) + '\n');
}

/** The record {@link saveMemberRecord} wrote; rejects when it is missing or malformed. */
export async function loadMemberRecord(raftDir: string): Promise<MemberRecord> {
  const path = join(raftDir, memberFile);
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<MemberRecord> | null;
  const raftId = parsed?.raftId;
  const listenAddr = parsed?.listenAddr;
  if (typeof raftId !== 'number' || !Number.isSafeInteger(raftId) || raftId <= 0) {
    throw new Error(`${path} holds no valid raft ID`);
  }
  if (typeof listenAddr !== 'string') throw new Error(`${path} holds no listen address`);
  return { raftId, listenAddr };
}
