import type { Filters } from '../../api/filters.ts';
import type { EngineSwarm, SwarmSpec } from '../../api/objects/cluster.ts';
import { toEngineClusterInfo } from '../../api/objects/cluster.ts';
import type { EngineNode, NodeSpec } from '../../api/objects/node.ts';
import { toEngineNode } from '../../api/objects/node.ts';
import { notLeader, swarmExists } from '../../manager/controlapi/control-errors.ts';
import type { ControlDeps } from '../../manager/controlapi/control-deps.ts';
import { getNode, listNodes, removeNode, updateNode } from '../../manager/controlapi/nodes.ts';
import { getSwarm, getUnlockKey, updateSwarm } from '../../manager/controlapi/swarm.ts';
import type { Manager } from '../../manager/manager.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import { clusters, nodes, raftMembers } from '../../store/tables.ts';
import type {
  SwarmBackend,
  SwarmInitRequest,
  SwarmJoinRequest,
  SwarmUpdateFlags,
} from '../../server/swarm-backend.ts';
import type { SwarmInfo, SwarmInfoProvider, SwarmPingStatus } from '../../server/swarm-info.ts';
import { inactiveSwarmInfo } from '../../server/swarm-info.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import type { NodeState, SwarmMembership } from '../node-state.ts';
import type { ManagerRuntime } from './manager-runtime.ts';
import { NodeAgent } from './node-agent.ts';
import {
  leaveNeedsForce,
  notInSwarm,
  notSwarmManager,
  swarmFeatureMissing,
  workerNotManager,
} from './swarm-errors.ts';
import { joinSwarm, loadWorkerIdentity } from './swarm-join.ts';
import { initSwarm, removeSwarmFiles, resumeSwarm } from './swarm-start.ts';
import type { SwarmStartContext } from './swarm-start.ts';

/** Where {@link DaemonSwarm} reads and writes the node's `state.json`. */
export interface NodeStateAccess {
  current(): NodeState;
  save(state: NodeState): Promise<void>;
}

/**
 * The daemon's swarm lifecycle and its manager-side API: implements the routes' `SwarmBackend`
 * and the system routes' `SwarmInfoProvider`. Lifecycle calls (`resume`, `init`, `join`,
 * `leave`, `stop`) run one at a time. Every member, manager or worker, runs a {@link NodeAgent}
 * heartbeating the managers (a manager's own address first), so its node stays `ready`. Reads are served from the local manager's store; writes need
 * a leader: a follower's writes go through Raft to the leader, and without a leader they fail
 * at once with `MANAGER_NOT_LEADER` and Docker's no-leader text.
 */
export class DaemonSwarm implements SwarmBackend, SwarmInfoProvider {
  private runtime: ManagerRuntime | undefined;
  private agent: NodeAgent | undefined;
  private lifecycle: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: SwarmStartContext,
    private readonly state: NodeStateAccess,
  ) {}

  /** Restarts into the membership `state.json` records, if any (called once by `Daemon.start`). */
  resume(): Promise<void> {
    return this.serially(async () => {
      const membership = this.state.current().swarm;
      if (membership === null) return;
      if (membership.role === 'manager') {
        const runtime = await resumeSwarm(membership, this.ctx);
        this.runtime = runtime;
        this.startAgent(membership, () => runtime.identity);
      } else {
        const identity = await loadWorkerIdentity(membership, this.ctx);
        this.startAgent(membership, () => identity);
      }
      this.ctx.logger.info('rejoined swarm', {
        nodeId: membership.nodeId,
        clusterId: membership.clusterId,
        role: membership.role,
      });
    });
  }

  /** Stops the agent and the manager, keeping all swarm state on disk (daemon shutdown). Idempotent. */
  stop(): Promise<void> {
    return this.serially(() => this.stopComponents());
  }

  /** The running agent's session, for status output and tests; undefined outside a swarm. */
  agentStatus(): ReturnType<NodeAgent['status']> | undefined {
    return this.agent?.status();
  }

  /**
   * The running manager (listener, RPC server, Manager) while this node is a manager, for the
   * components that attach to it (the local agent's heartbeats, RPC methods); else undefined.
   */
  managerRuntime(): ManagerRuntime | undefined {
    return this.runtime;
  }

  init(request: SwarmInitRequest): Promise<string> {
    return this.serially(async () => {
      if (this.state.current().swarm !== null) throw swarmExists();
      const started = await initSwarm(request, this.ctx);
      try {
        await this.saveMembership(started.membership);
      } catch (err) {
        await started.runtime.stop();
        await removeSwarmFiles(this.ctx.layout);
        throw err;
      }
      const runtime = started.runtime;
      this.runtime = runtime;
      this.startAgent(started.membership, () => runtime.identity);
      this.ctx.logger.info('initialised swarm', {
        nodeId: started.membership.nodeId,
        clusterId: started.membership.clusterId,
        advertiseAddr: started.membership.advertiseAddr,
      });
      return started.membership.nodeId;
    });
  }

  /**
   * `swarm join`: joins through the first remote address with the role the token gives (see
   * `joinSwarm`), records the membership and starts the agent (and, for a manager, keeps the
   * running manager). On a failure to record, everything started is stopped and removed.
   */
  join(request: SwarmJoinRequest): Promise<void> {
    return this.serially(async () => {
      if (this.state.current().swarm !== null) throw swarmExists();
      await removeSwarmFiles(this.ctx.layout);
      const joined = await joinSwarm(request, this.ctx);
      try {
        await this.saveMembership(joined.membership);
      } catch (err) {
        await joined.runtime?.stop();
        await removeSwarmFiles(this.ctx.layout);
        throw err;
      }
      this.runtime = joined.runtime;
      this.startAgent(joined.membership, joined.identity);
      this.ctx.logger.info('joined swarm', {
        nodeId: joined.membership.nodeId,
        clusterId: joined.membership.clusterId,
        role: joined.membership.role,
      });
    });
  }

  leave(force: boolean): Promise<void> {
    return this.serially(async () => {
      const membership = this.state.current().swarm;
      if (membership === null) throw notInSwarm();
      if (membership.role === 'manager' && !force) throw leaveNeedsForce();
      await this.stopComponents();
      await removeSwarmFiles(this.ctx.layout);
      await this.saveMembership(null);
      this.ctx.logger.info('left swarm', { nodeId: membership.nodeId });
    });
  }

  unlock(_unlockKey: string): Promise<void> {
    return Promise.reject(swarmFeatureMissing('swarm unlock (autolock)'));
  }

  inspect(): Promise<EngineSwarm> {
    return this.read((reader) => getSwarm(reader));
  }

  update(version: number, spec: SwarmSpec, flags: SwarmUpdateFlags): Promise<void> {
    return this.write((manager, deps) => updateSwarm(manager.store, spec, version, flags, deps));
  }

  unlockKey(): Promise<{ UnlockKey: string }> {
    return this.read((reader) => getUnlockKey(reader));
  }

  listNodes(filters: Filters): Promise<EngineNode[]> {
    return this.read((reader, manager) =>
      listNodes(reader, filters, manager.raftView).map(toEngineNode),
    );
  }

  inspectNode(ref: string): Promise<EngineNode> {
    return this.read((reader, manager) => toEngineNode(getNode(reader, ref, manager.raftView)));
  }

  updateNode(ref: string, version: number, spec: NodeSpec): Promise<void> {
    return this.write((manager) => updateNode(manager.store, ref, version, spec, manager.raftView));
  }

  async removeNode(ref: string, force: boolean): Promise<void> {
    await this.write((manager) => removeNode(manager.store, ref, force));
  }

  pingStatus(): SwarmPingStatus {
    const membership = this.state.current().swarm;
    if (membership === null) return 'inactive';
    return membership.role === 'manager' ? 'active/manager' : 'active/worker';
  }

  swarmInfo(): SwarmInfo {
    const membership = this.state.current().swarm;
    if (membership === null) return inactiveSwarmInfo;
    const base = {
      NodeID: membership.nodeId,
      NodeAddr: hostOfAddr(membership.advertiseAddr),
      LocalNodeState: 'active' as const,
      Error: '',
    };
    const manager = this.runtime?.manager;
    if (manager === undefined) {
      return { ...base, ControlAvailable: false, RemoteManagers: remoteOf(membership) };
    }
    return manager.store.view((reader) => managerInfo(reader, base));
  }

  private manager(): Manager {
    const manager = this.runtime?.manager;
    if (manager !== undefined) return manager;
    throw this.state.current().swarm === null ? notSwarmManager() : workerNotManager();
  }

  private startAgent(membership: SwarmMembership, identity: () => TlsIdentity): void {
    const agent = new NodeAgent(
      {
        clusterId: membership.clusterId,
        identity,
        managers:
          membership.role === 'manager'
            ? [membership.advertiseAddr, ...membership.managers]
            : membership.managers,
        hostname: this.ctx.config.hostname,
        engineVersion: this.ctx.engineVersion,
      },
      { clock: this.ctx.clock, logger: this.ctx.logger, random: this.ctx.random },
    );
    this.agent = agent;
    agent.start();
  }

  private async stopComponents(): Promise<void> {
    const agent = this.agent;
    const runtime = this.runtime;
    this.agent = undefined;
    this.runtime = undefined;
    await agent?.stop();
    await runtime?.stop();
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into a rejection
  private async read<R>(fn: (reader: StoreReader, manager: Manager) => R): Promise<R> {
    const manager = this.manager();
    return manager.store.view((reader) => fn(reader, manager));
  }

  private async write<R>(fn: (manager: Manager, deps: ControlDeps) => Promise<R>): Promise<R> {
    const manager = this.manager();
    // A follower's writes are proposed through Raft, which forwards them to the leader; the
    // store validates them at apply time as it does the leader's. Without a leader they fail
    // at once with Docker's no-leader text instead of waiting for the proposal timeout.
    if (manager.raft.leader() === 0) throw notLeader(0);
    return fn(manager, { randomBytes: this.ctx.randomBytes, raft: manager.raftView });
  }

  private async saveMembership(swarm: SwarmMembership | null): Promise<void> {
    await this.state.save({ ...this.state.current(), swarm });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(task, task);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }
}

function hostOfAddr(addr: string): string {
  const at = addr.lastIndexOf(':');
  const host = at < 0 ? addr : addr.slice(0, at);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function remoteOf(membership: SwarmMembership): SwarmInfo['RemoteManagers'] {
  return membership.managers.map((addr) => ({ NodeID: '', Addr: addr }));
}

type InfoBase = Pick<SwarmInfo, 'NodeID' | 'NodeAddr' | 'LocalNodeState' | 'Error'>;

/** The `/info` swarm section of a manager, read from its store in one view. */
function managerInfo(reader: StoreReader, base: InfoBase): SwarmInfo {
  const cluster = reader.all(clusters)[0];
  const allNodes = reader.all(nodes);
  const members = reader.all(raftMembers).filter((m) => m.Removed !== true);
  return {
    ...base,
    ControlAvailable: true,
    RemoteManagers: members.map((m) => ({ NodeID: m.NodeID, Addr: m.Addr })),
    Nodes: allNodes.length,
    Managers: allNodes.filter((n) => n.Role === 'manager').length,
    ...(cluster === undefined
      ? {}
      : { Cluster: toEngineClusterInfo(cluster) as unknown as Record<string, unknown> }),
  };
}
