import { ManualClock } from '../../../src/base/clock.ts';
import type { NodeRole } from '../../../src/manager/ca/node-role.ts';
import type { RootCa } from '../../../src/manager/ca/root-ca.ts';
import { mutualTlsClientOptions } from '../../../src/manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';
import { isRemoved } from '../../../src/manager/controlapi/nodes.ts';
import { initCluster, requireCluster } from '../../../src/manager/controlapi/swarm.ts';
import { registerJoinRpc } from '../../../src/manager/join/join-rpc.ts';
import type { Manager } from '../../../src/manager/manager.ts';
import { ClusterListener } from '../../../src/manager/rpc/cluster-listener.ts';
import { joinCluster } from '../../../src/manager/rpc/join-client.ts';
import type { JoinClusterDeps, JoinResult } from '../../../src/manager/rpc/join-client.ts';
import { RpcClient } from '../../../src/manager/rpc/rpc-client.ts';
import { RpcServer } from '../../../src/manager/rpc/rpc-server.ts';
import type { NodeId } from '../../../src/raft/core/types.ts';
import { raftMembers } from '../../../src/store/tables.ts';
import { issueIdentity, makeRoot, seededBytes } from '../ca/cluster-pki.ts';
import { controlDeps } from '../support/control-fixtures.ts';
import { ManagerHarness } from '../support/manager-harness.ts';

// OpenSSL checks certificate validity against the wall clock, so the CA signs around it.
const realNow = Date.now();

/** One manager's cluster listener with the join RPCs of its Manager. */
export interface JoinManager {
  readonly manager: Manager;
  readonly listener: ClusterListener;
  readonly rpc: RpcServer;
}

/**
 * Real managers (ManagerHarness: RaftNodes over a MemoryNetwork) each serving the join RPCs on
 * a real mutual-TLS ClusterListener. Raft member addresses are the listeners' addresses, so a
 * follower finds the leader's RPC endpoint the way a deployed manager does.
 */
export class JoinFixture {
  readonly harness = new ManagerHarness();
  readonly clock = new ManualClock(realNow);
  readonly policy = {
    clusterId: 'pending',
    now: () => this.clock.now(),
    isRemoved: (id: string) => this.removed(id),
  };
  readonly managers = new Map<NodeId, JoinManager>();
  private readonly closers: (() => unknown)[] = [];
  private seed = 40;

  private constructor(readonly root: RootCa) {}

  /** Manager 1 leads a fresh swarm whose root key is in the cluster record. */
  static async create(seed: number): Promise<JoinFixture> {
    const fixture = new JoinFixture(await makeRoot(realNow, seed));
    const m1 = await fixture.harness.start(1, [1]);
    await fixture.harness.eventually('manager 1 to lead', () => m1.isLeader());
    const first = { manager: m1, ...(await fixture.startListener()) };
    await initCluster(
      m1.store,
      {
        nodeId: 'node-1',
        raftId: 1,
        addr: first.listener.address,
        rootCaCert: fixture.root.certPem,
        rootCaKey: fixture.root.key.pem,
      },
      controlDeps(seed),
    );
    fixture.policy.clusterId = requireCluster(m1.store).id;
    fixture.serve(first, await fixture.identity('node-1', 'manager'));
    return fixture;
  }

  get leader(): JoinManager {
    const m = this.managers.get(1);
    if (!m) throw new Error('manager 1 is not running');
    return m;
  }

  /** The current join tokens on the leader. */
  tokens(): { worker: string; manager: string } {
    const { Worker, Manager } = requireCluster(this.leader.manager.store).JoinTokens;
    return { worker: Worker, manager: Manager };
  }

  /** `swarm join` against `via` (default: the leader's listener). */
  join(
    token: string,
    options: { via?: JoinManager; hostname?: string; advertiseAddr?: string } = {},
    deps: Partial<JoinClusterDeps> = {},
  ): Promise<JoinResult> {
    return joinCluster(
      {
        token,
        managerAddress: (options.via ?? this.leader).listener.address,
        hostname: options.hostname ?? 'box',
        advertiseAddr: options.advertiseAddr ?? '127.0.0.1:2377',
        timeoutMs: 5_000,
      },
      { clock: this.clock, ...deps },
    );
  }

  /**
   * Joins a manager through the leader and starts it: a listener first (its address is the
   * advertise address), then the join, then the Manager under the raft ID the leader gave it.
   */
  async joinManager(): Promise<{ joined: JoinResult; member: JoinManager; raftId: NodeId }> {
    const endpoint = await this.startListener();
    const joined = await this.join(this.tokens().manager, {
      advertiseAddr: endpoint.listener.address,
    });
    const record = this.leader.manager.store.find(raftMembers, {
      index: 'node',
      value: joined.nodeId,
    })[0];
    if (!record) throw new Error(`no raft member for ${joined.nodeId}`);
    const manager = await this.harness.start(record.RaftID);
    const member = this.serve({ manager, ...endpoint }, joined.identity);
    return { joined, member, raftId: record.RaftID };
  }

  /** An mTLS RPC client holding `identity`, closed by {@link close}. */
  client(identity: TlsIdentity): RpcClient {
    const client = new RpcClient(
      { tlsOptions: () => mutualTlsClientOptions(identity, this.policy), timeoutMs: 5_000 },
      { clock: this.clock },
    );
    this.closers.push(() => client.close());
    return client;
  }

  /** A certificate from the root for `nodeId` in this cluster. */
  identity(nodeId: string, role: NodeRole): Promise<TlsIdentity> {
    return issueIdentity(
      this.root,
      { nodeId, role, clusterId: this.policy.clusterId },
      { now: realNow, trustedRootsPem: [this.root.certPem], seed: this.seed++ },
    );
  }

  async close(): Promise<void> {
    for (const closer of this.closers.reverse()) await closer();
    await this.harness.close();
  }

  private removed(nodeId: string): boolean {
    const m = this.managers.get(1);
    return m !== undefined && isRemoved(m.manager.store, nodeId);
  }

  /** A started listener holding a placeholder identity until {@link serve} gives it its own. */
  private async startListener(): Promise<{ listener: ClusterListener; rpc: RpcServer }> {
    const rpc = new RpcServer();
    const listener = new ClusterListener({
      identity: await this.identity('pending', 'manager'),
      policy: this.policy,
      rpc,
    });
    this.closers.push(() => listener.close());
    await listener.start();
    return { listener, rpc };
  }

  /** Gives `member`'s listener its identity and serves the join RPCs of its manager. */
  private serve(member: JoinManager, identity: TlsIdentity): JoinManager {
    member.listener.setIdentity(identity);
    registerJoinRpc(member.rpc, member.manager, {
      clock: this.clock,
      randomBytes: seededBytes(this.seed++),
      leaderClient: this.client(identity),
    });
    this.managers.set(member.manager.raftView.selfId, member);
    return member;
  }
}
