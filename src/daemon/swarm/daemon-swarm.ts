import type { TaskLogMessage, TaskLogSelector } from '../../api/objects/log-message.ts';
import { join } from 'node:path';
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
import { swarmLocked, swarmNotLocked } from '../../manager/ca/ca-errors.ts';
import { ShoalError } from '../../base/errors.ts';
import type { NodeState, SwarmMembership } from '../node-state.ts';
import type { ManagerRuntime } from './manager-runtime.ts';
import { NodeAgent } from './node-agent.ts';
import { notInSwarm, notSwarmManager, workerNotManager } from './swarm-errors.ts';
import { leaveRaft, leaveRefusal } from './manager-leave.ts';
import { forceNewCluster } from './swarm-force-new-cluster.ts';
import { completePendingRenewal } from './certificate-renewer.ts';
import { resumeRole } from './role-change.ts';
import { RoleFollower } from './role-follower.ts';
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
 * heartbeating the managers (a manager's own address first), so its node stays `ready`, and a
 * {@link RoleFollower} that renews its certificate and makes the node follow a promotion or
 * demotion (starting or stopping its manager, in the same queue; the agent keeps running). Reads are served from the local manager's store; writes need
 * a leader: a follower's writes go through Raft to the leader, and without a leader they fail
 * at once with `MANAGER_NOT_LEADER` and Docker's no-leader text.
 */
export class DaemonSwarm implements SwarmBackend, SwarmInfoProvider {
  private runtime: ManagerRuntime | undefined;
  private agent: NodeAgent | undefined;
  private follower: RoleFollower | undefined;
  private lifecycle: Promise<unknown> = Promise.resolve();
  /** True while this manager waits for `swarm unlock` (autolock on, restarted). */
  private locked = false;

  constructor(
    private readonly ctx: SwarmStartContext,
    private readonly state: NodeStateAccess,
  ) {}

  /**
   * Restarts into the membership `state.json` records, if any (called once by `Daemon.start`),
   * after finishing a certificate renewal or a demotion a crash interrupted (see `resumeRole`);
   * a role change the cluster made meanwhile is then carried out by the {@link RoleFollower}.
   */
  resume(): Promise<void> {
    return this.serially(async () => {
      const recorded = this.state.current().swarm;
      if (recorded === null) return;
      await completePendingRenewal(this.ctx.layout.certificates);
      const membership = await resumeRole(recorded, this.ctx);
      if (membership !== recorded) await this.saveMembership(membership);
      if (membership.role === 'manager') {
        if (!(await this.resumeManager(membership))) return;
      } else {
        this.startMember(membership, await loadWorkerIdentity(membership, this.ctx));
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

  /**
   * `swarm init`. On a node already in a swarm it is refused (`SWARM_EXISTS`) unless
   * `ForceNewCluster` is set on a manager: then the manager restarts as the only member of its
   * cluster with all its state (see `forceNewCluster`); a worker is refused as Docker does.
   */
  init(request: SwarmInitRequest): Promise<string> {
    return this.serially(async () => {
      const existing = this.state.current().swarm;
      if (existing !== null) {
        if (request.ForceNewCluster !== true) throw swarmExists();
        return this.forceNewClusterFrom(existing);
      }
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
      this.startMember(started.membership, runtime.identity);
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
      this.startMember(joined.membership, joined.identity());
      this.ctx.logger.info('joined swarm', {
        nodeId: joined.membership.nodeId,
        clusterId: joined.membership.clusterId,
        role: joined.membership.role,
      });
    });
  }

  /**
   * `swarm leave`. A manager needs `force` (else Docker's warning, see `leaveRefusal`); with
   * it, a manager that is not the last first asks the cluster to take it out of Raft (see
   * `leaveRaft`), so the others keep a majority of the right size. Then everything stops and
   * the swarm files are removed.
   */
  leave(force: boolean): Promise<void> {
    return this.serially(async () => {
      const membership = this.state.current().swarm;
      if (membership === null) throw notInSwarm();
      if (membership.role === 'manager') await this.leaveAsManager(membership, force);
      // A node that leaves stops and removes its tasks, as Docker's does.
      await this.agent?.stop({ removeTasks: true });
      await this.stopComponents();
      await removeSwarmFiles(this.ctx.layout);
      await this.saveMembership(null);
      this.ctx.logger.info('left swarm', { nodeId: membership.nodeId });
    });
  }

  /**
   * `swarm unlock`: starts a manager that came up locked with `unlockKey`. Rejects with
   * `SWARM_NOT_LOCKED` (409) on a manager that is not locked, `SWARM_NOT_MEMBER` outside a
   * swarm, `SWARM_NOT_MANAGER` on a worker (Docker's texts), and `UNLOCK_KEY_INVALID` (401) for a key that does not open this manager's keys
   * (it then stays locked).
   */
  unlock(unlockKey: string): Promise<void> {
    return this.serially(async () => {
      const membership = this.state.current().swarm;
      if (membership === null) throw notInSwarm();
      if (membership.role !== 'manager') throw workerNotManager();
      if (!this.isLocked()) throw swarmNotLocked();
      await this.resumeManager(membership, unlockKey);
      this.ctx.logger.info('unlocked swarm', { nodeId: membership.nodeId });
    });
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
    if (this.isLocked()) return 'locked';
    return membership.role === 'manager' ? 'active/manager' : 'active/worker';
  }

  swarmInfo(): SwarmInfo {
    const membership = this.state.current().swarm;
    if (membership === null) return inactiveSwarmInfo;
    if (this.isLocked()) {
      return {
        NodeID: membership.nodeId,
        NodeAddr: hostOfAddr(membership.advertiseAddr),
        LocalNodeState: 'locked',
        Error: swarmLocked().message,
        ControlAvailable: false,
        RemoteManagers: remoteOf(membership),
      };
    }
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
    if (this.isLocked()) throw swarmLocked();
    throw this.state.current().swarm === null ? notSwarmManager() : workerNotManager();
  }

  /**
   * The local manager for the service and task routes; throws the same 503s as the swarm
   * routes off a manager (outside a swarm, on a worker, while locked).
   */
  requireManager(): Manager {
    return this.manager();
  }

  /** Task logs through this manager (see `ManagerRuntime.subscribeLogs`); 503s off a manager. */
  subscribeLogs(selector: TaskLogSelector, signal: AbortSignal): AsyncIterable<TaskLogMessage> {
    const runtime = this.runtime;
    if (runtime === undefined) {
      this.manager();
      throw workerNotManager();
    }
    return runtime.subscribeLogs(selector, signal);
  }

  private startAgent(membership: SwarmMembership, identity: () => TlsIdentity): void {
    const executorFor = this.ctx.executorFor;
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
        ...(executorFor === undefined ? {} : { executor: () => executorFor(membership.nodeId) }),
        workerDir: join(this.ctx.layout.root, 'worker'),
        // A role the managers want that differs from the recorded one: ask for the new
        // certificate now rather than at the renewer's next periodic check.
        onRole: (role) => {
          if (role !== this.state.current().swarm?.role) {
            this.follower?.checkNow().catch(() => undefined);
          }
        },
      },
      { clock: this.ctx.clock, logger: this.ctx.logger, random: this.ctx.random },
    );
    this.agent = agent;
    agent.start();
  }

  /**
   * Starts what every member runs: the {@link RoleFollower} (certificate renewal, and the
   * node's role following the cluster's records) and the agent presenting its identity.
   */
  private startMember(membership: SwarmMembership, identity: TlsIdentity): void {
    const follower = new RoleFollower(
      membership,
      identity,
      {
        membership: () => this.state.current().swarm,
        runtime: () => this.runtime,
        setRuntime: (runtime) => {
          this.runtime = runtime;
        },
        saveMembership: (next) => this.saveMembership(next),
        leader: () => this.agent?.status().manager,
        serially: (task) => this.serially(task),
      },
      this.ctx,
    );
    this.follower = follower;
    this.startAgent(membership, () => follower.identity());
    follower.start();
  }

  private async stopComponents(): Promise<void> {
    const follower = this.follower;
    const agent = this.agent;
    const runtime = this.runtime;
    this.follower = undefined;
    this.agent = undefined;
    this.runtime = undefined;
    await follower?.stop();
    await agent?.stop();
    await runtime?.stop();
  }

  private async read<R>(fn: (reader: StoreReader, manager: Manager) => R): Promise<R> {
    const manager = this.manager();
    await manager.readBarrier();
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

  /** The manager's part of {@link DaemonSwarm.leave}, before anything stops. */
  private async leaveAsManager(membership: SwarmMembership, force: boolean): Promise<void> {
    const manager = this.runtime?.manager;
    if (!force) throw leaveRefusal(manager);
    if (manager === undefined) return;
    await leaveRaft(manager, membership.nodeId, { clock: this.ctx.clock, logger: this.ctx.logger });
  }

  /**
   * `init --force-new-cluster` of a member: see {@link DaemonSwarm.init}. The manager keeps its
   * listen and advertise addresses (the request's are not applied). On failure the manager is
   * resumed from what its data dir holds, and the error is thrown.
   */
  private async forceNewClusterFrom(membership: SwarmMembership): Promise<string> {
    if (membership.role !== 'manager') throw workerNotManager();
    // Autolock seals the manager keys under the unlock key: the restart needs it again.
    const unlockKey = this.manager().store.view((r) => r.all(clusters)[0]?.UnlockKey);
    await this.stopComponents();
    let started;
    try {
      started = await forceNewCluster(membership, this.ctx, unlockKey);
    } catch (err) {
      // Come back as whatever the data dir now holds rather than stay stopped.
      await this.resumeManager(membership, unlockKey).catch(() => false);
      throw err;
    }
    const runtime = started.runtime;
    this.runtime = runtime;
    await this.saveMembership(started.membership);
    this.startMember(started.membership, runtime.identity);
    this.ctx.logger.info('forced a new cluster', {
      nodeId: membership.nodeId,
      clusterId: membership.clusterId,
    });
    return membership.nodeId;
  }

  /**
   * Starts the manager of `membership` from disk (with `unlockKey` when autolock sealed its
   * keys) and its agent. Resolves false, with the node marked locked and nothing started,
   * when the keys need an unlock key and none was given.
   */
  private async resumeManager(membership: SwarmMembership, unlockKey?: string): Promise<boolean> {
    let runtime: ManagerRuntime;
    try {
      runtime = await resumeSwarm(membership, this.ctx, unlockKey);
    } catch (err) {
      if (unlockKey === undefined && err instanceof ShoalError && err.code === 'SWARM_LOCKED') {
        this.locked = true;
        this.ctx.logger.warn('swarm is locked: run "swarm unlock" with the unlock key', {
          nodeId: membership.nodeId,
        });
        return false;
      }
      throw err;
    }
    this.locked = false;
    this.runtime = runtime;
    this.startMember(membership, runtime.identity);
    return true;
  }

  /** A manager member whose keys wait for the unlock key (nothing of the swarm runs). */
  private isLocked(): boolean {
    return (
      this.locked && this.runtime === undefined && this.state.current().swarm?.role === 'manager'
    );
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
