import type { NodeDescription } from '../api/objects/node.ts';
import type { Clock } from '../base/clock.ts';
import type { Logger } from '../base/logger.ts';
import { silentLogger } from '../base/logger.ts';
import { ShoalError } from '../base/errors.ts';
import type { ConfChange, ConfState, NodeId } from '../raft/core/types.ts';
import { RaftNode } from '../raft/node.ts';
import type { RaftNodeOptions, StateMachine } from '../raft/node.ts';
import type { RaftStorage } from '../raft/storage/types.ts';
import type { Transport } from '../raft/transport/types.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { clusterTables } from '../store/tables.ts';
import { systemRandomBytes } from './ca/random-bytes.ts';
import type { RandomBytes } from './ca/random-bytes.ts';
import { Orchestration } from './orchestration.ts';
import { notLeader } from './controlapi/control-errors.ts';
import { Dispatcher } from './dispatcher/dispatcher.ts';
import type { HeartbeatResponse } from './dispatcher/dispatcher.ts';
import type { ManagerAdmission } from './membership/membership-reconciler.ts';
import { MembershipReconciler } from './membership/membership-reconciler.ts';
import type { RaftView } from './membership/raft-view.ts';
import { raftViewOf } from './raft-node-view.ts';

/** How a {@link Manager} is built. */
export interface ManagerOptions {
  readonly raftId: NodeId;
  /** Voters to bootstrap an empty log with: `[raftId]` for `swarm init`, none for a join. */
  readonly bootstrap?: readonly NodeId[];
  readonly storage: RaftStorage;
  readonly transport: Transport;
  readonly raft?: Partial<
    Pick<RaftNodeOptions, 'tickMs' | 'snapshotEntries' | 'catchUpEntries' | 'raft'>
  >;
  /** Membership reconciler policy (sweep period, learner catch-up margin). */
  readonly membership?: { readonly intervalMs?: number; readonly catchUpEntries?: number };
  /** Dispatcher policy. */
  readonly dispatcher?: { readonly graceMultiplier?: number };
  /**
   * How long a store write may wait to be applied before it fails with `RAFT_PROPOSAL_TIMEOUT`
   * (default 10 s). A follower forwards its writes to the leader; a forwarded proposal the
   * leader dropped would otherwise wait forever.
   */
  readonly proposalTimeoutMs?: number;
  /** Entropy for task IDs made by the orchestrators; default node:crypto. */
  readonly randomBytes?: RandomBytes;
  /**
   * Called on every applied membership change with the member's address (the change's
   * context), so a network transport can learn where to reach new members.
   */
  readonly onConfChange?: (change: ConfChange, confState: ConfState, addr: string) => void;
}

/** What a {@link Manager} takes from its surroundings. */
export interface ManagerDeps {
  /** Drives Raft ticks and stamps store writes. */
  readonly clock: Clock;
  /** Drives the leader-only components (heartbeat expiry, membership sweeps); default `clock`. */
  readonly componentClock?: Clock;
  /** Randomness for election timeouts and heartbeat jitter. */
  readonly random: () => number;
  readonly logger?: Logger;
}

const decoder = new TextDecoder();

/**
 * One manager: a RaftNode replicating a MemoryStore (the store is Raft's state machine, the
 * node the store's proposer), plus the leader-only components, started when this manager
 * becomes leader and stopped when it loses leadership (swarmkit's becomeLeader and
 * becomeFollower). Writes to `store` go through Raft. Entry points for RPC handlers:
 * {@link addManager} and {@link heartbeat}; both throw `MANAGER_NOT_LEADER` off the leader.
 */
export class Manager {
  readonly store: MemoryStore;
  readonly raft: RaftNode;
  /** The Raft view the control API reads for quorum checks and ManagerStatus. */
  readonly raftView: RaftView;
  private readonly logger: Logger;
  private leaderComponents:
    | { dispatcher: Dispatcher; membership: MembershipReconciler; orchestration: Orchestration }
    | undefined;
  private transitions: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly options: ManagerOptions,
    private readonly deps: ManagerDeps,
  ) {
    this.logger = (deps.logger ?? silentLogger).child({
      component: 'manager',
      member: options.raftId,
    });
    const proposer = {
      propose: (payload: Uint8Array) =>
        this.proposeWithin(payload, options.proposalTimeoutMs ?? 10_000),
    };
    this.store = new MemoryStore(
      { tables: clusterTables, proposer },
      { clock: deps.clock, logger: this.logger },
    );
    this.raft = new RaftNode(
      {
        id: options.raftId,
        bootstrap: options.bootstrap ?? [],
        storage: options.storage,
        transport: options.transport,
        stateMachine: this.stateMachine(),
        ...options.raft,
      },
      { clock: deps.clock, random: deps.random, logger: this.logger },
    );
    this.raftView = raftViewOf(this.raft, options.raftId);
  }

  /** Starts Raft; leader-only components follow leadership from then on. */
  async start(): Promise<void> {
    this.raft.onLeaderChange((leader) => this.follow(leader));
    await this.raft.start();
    this.follow(this.raft.leader());
  }

  /** Stops the leader-only components, then Raft. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.follow(0);
    await this.transitions;
    await this.raft.stop();
  }

  /** Whether this manager leads and runs the leader-only components. */
  isLeader(): boolean {
    return this.leaderComponents !== undefined;
  }

  /** The running dispatcher (leader only). */
  dispatcher(): Dispatcher | undefined {
    return this.leaderComponents?.dispatcher;
  }

  /** The running membership reconciler (leader only). */
  membership(): MembershipReconciler | undefined {
    return this.leaderComponents?.membership;
  }

  /** The manager-join entry point; see MembershipReconciler.addManager. */
  addManager(nodeId: string, addr: string): Promise<ManagerAdmission> {
    const membership = this.leaderComponents?.membership;
    if (!membership) return Promise.reject(notLeader(this.raft.leader()));
    return membership.addManager(nodeId, addr);
  }

  /** An agent heartbeat; see Dispatcher.heartbeat. */
  heartbeat(nodeId: string, description?: NodeDescription): Promise<HeartbeatResponse> {
    const dispatcher = this.leaderComponents?.dispatcher;
    if (!dispatcher) return Promise.reject(notLeader(this.raft.leader()));
    return dispatcher.heartbeat(nodeId, description);
  }

  private stateMachine(): StateMachine {
    const store = (): MemoryStore => this.store;
    const onConfChange = this.options.onConfChange;
    return {
      apply: (payload, index) => store().apply(payload, index),
      snapshot: () => store().snapshot(),
      restore: (image) => store().restore(image),
      applyConfChange: (change, confState) =>
        onConfChange?.(change, confState, decoder.decode(change.context ?? new Uint8Array(0))),
    };
  }

  /**
   * Waits until this manager's store holds everything the leader had committed when the call
   * was made (a ReadIndex barrier), so a read on a follower sees the writes acknowledged
   * before it. Without a leader, or when the barrier takes longer than `timeoutMs`, it gives
   * up quietly: reads still answer from the local store when quorum is lost, as Docker's do.
   */
  async readBarrier(timeoutMs = 2000): Promise<void> {
    if (this.raft.leader() === 0 || this.isLeader()) return;
    const controller = new AbortController();
    const cancel = this.deps.clock.setTimer(timeoutMs, () =>
      controller.abort(new Error('read barrier timed out')),
    );
    try {
      await this.raft.readBarrier(controller.signal);
    } catch {
      // Stale but available beats unavailable for reads.
    } finally {
      cancel();
    }
  }

  /** Proposes `payload`, failing with `RAFT_PROPOSAL_TIMEOUT` after `ms` on the Raft clock. */
  private async proposeWithin(payload: Uint8Array, ms: number): Promise<number> {
    const controller = new AbortController();
    const cancel = this.deps.clock.setTimer(ms, () =>
      controller.abort(
        new ShoalError(
          'RAFT_PROPOSAL_TIMEOUT',
          `the write was not committed within ${ms / 1000}s: the managers may have lost quorum`,
        ),
      ),
    );
    try {
      return await this.raft.propose(payload, controller.signal);
    } finally {
      cancel();
    }
  }

  /** Queues the start or stop of the leader-only components to match `leader`. */
  private follow(leader: NodeId): void {
    const lead = !this.stopped && leader === this.options.raftId;
    this.transitions = this.transitions
      .then(() => (lead ? this.becomeLeader() : this.becomeFollower()))
      .catch((error: unknown) =>
        this.logger.error('leadership transition failed', { error: String(error) }),
      );
  }

  private becomeLeader(): Promise<void> {
    if (this.leaderComponents) return Promise.resolve();
    const clock = this.deps.componentClock ?? this.deps.clock;
    const dispatcher = new Dispatcher({
      store: this.store,
      clock,
      logger: this.logger,
      random: this.deps.random,
      ...this.options.dispatcher,
    });
    const membership = new MembershipReconciler({
      store: this.store,
      raft: this.raft,
      clock,
      logger: this.logger,
      ...this.options.membership,
    });
    const orchestration = new Orchestration(this.store, {
      clock,
      logger: this.logger,
      randomBytes: this.options.randomBytes ?? systemRandomBytes,
    });
    this.leaderComponents = { dispatcher, membership, orchestration };
    this.logger.info('became leader: starting leader-only components');
    dispatcher.start();
    membership.start();
    orchestration.start();
    return Promise.resolve();
  }

  private async becomeFollower(): Promise<void> {
    const components = this.leaderComponents;
    if (!components) return;
    this.leaderComponents = undefined;
    this.logger.info('lost leadership: stopping leader-only components');
    await Promise.all([
      components.dispatcher.stop(),
      components.membership.stop(),
      components.orchestration.stop(),
    ]);
  }
}
