import { notFoundError } from '../../api/resolve.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import type { ConfChange, ConfState, NodeId, Status } from '../../raft/core/types.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { nodes, raftMembers } from '../../store/tables.ts';
import { nodeNotManager, notLeader } from '../controlapi/control-errors.ts';
import type { MembershipAction, MembershipState } from './membership-plan.ts';
import { planMembership } from './membership-plan.ts';

/** The part of a `RaftNode` the reconciler drives. */
export interface MembershipRaft {
  status(): Status;
  proposeConfChange(change: ConfChange, signal?: AbortSignal): Promise<ConfState>;
  transferLeader(to: NodeId): void;
}

/** Dependencies and policy of a {@link MembershipReconciler}. */
export interface MembershipReconcilerOptions {
  readonly store: MemoryStore;
  readonly raft: MembershipRaft;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Sweep period while running. Default 1000 ms. */
  readonly intervalMs?: number;
  /** Promote a learner within this many entries of the leader. Default 50. */
  readonly catchUpEntries?: number;
}

/** What a joining manager learns: its raft ID and the members to reach. */
export interface ManagerAdmission {
  readonly raftId: NodeId;
  readonly peers: readonly { readonly raftId: NodeId; readonly addr: string }[];
}

const MAX_STEPS_PER_SWEEP = 16;
const encoder = new TextEncoder();

/**
 * The leader-only loop that makes the Raft configuration follow the desired managers (see
 * planMembership): it sweeps on `kick()`, on node and member changes in the store, and every
 * `intervalMs`, applying one action at a time. Operations are serialised, so a manager join
 * ({@link addManager}) never races a sweep. Failures are logged and retried on the next sweep.
 */
export class MembershipReconciler {
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly catchUpEntries: number;
  private chain: Promise<unknown> = Promise.resolve();
  private cancelTimer: CancelTimer | undefined;
  private unwatch: (() => void) | undefined;
  private running = false;
  private abort = new AbortController();

  constructor(private readonly options: MembershipReconcilerOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'membership' });
    this.intervalMs = options.intervalMs ?? 1_000;
    this.catchUpEntries = options.catchUpEntries ?? 50;
  }

  /** Starts sweeping (call when this manager becomes leader). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    const subscription = this.options.store.watch({ tables: [nodes, raftMembers] });
    this.unwatch = () => subscription.close();
    void (async () => {
      for await (const event of subscription) if (event.kind !== 'committed') this.kick();
    })().catch(() => {});
    this.arm();
    this.kick();
  }

  /**
   * Stops sweeping and aborts a configuration change in flight. Does not wait for a store
   * write in progress: off the leader it may never settle, and it is harmless if it does.
   */
  stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.unwatch?.();
    this.abort.abort();
    return Promise.resolve();
  }

  /** Asks for a sweep soon. */
  kick(): void {
    if (!this.running) return;
    void this.serialised(() => this.sweep()).catch((error: unknown) =>
      this.logger.warn('membership sweep failed; retrying later', { error: String(error) }),
    );
  }

  /** Runs one sweep now and resolves when it is done (tests and callers that must wait). */
  sweepNow(): Promise<void> {
    return this.serialised(() => this.sweep());
  }

  /**
   * The manager-join entry point, on the leader: records a new Raft member for node
   * `nodeId` reachable at `addr`, under a raft ID never used before, and adds it as a learner;
   * the sweep promotes it to voter once it has caught up. A node already a member at the
   * same address gets its existing ID back. Throws `MANAGER_NOT_LEADER`, `NODE_NOT_FOUND`,
   * and `NODE_NOT_MANAGER` when the node's desired role is not manager.
   */
  addManager(nodeId: string, addr: string): Promise<ManagerAdmission> {
    return this.serialised(async () => {
      const status = this.options.raft.status();
      if (status.softState.role !== 'leader') throw notLeader(status.softState.leader);
      const store = this.options.store;
      const node = store.get(nodes, nodeId);
      if (!node) throw notFoundError('node', nodeId);
      if (node.Spec.Role !== 'manager') throw nodeNotManager(nodeId);
      let member = store.find(raftMembers, { index: 'node', value: nodeId })[0];
      if (member && member.Addr !== addr) {
        const conf = status.confState;
        const inConfig = [...conf.voters, ...conf.learners].includes(member.RaftID);
        await this.apply({ kind: 'removeMember', raftId: member.RaftID, inConfig });
        member = undefined;
      }
      if (!member) {
        const raftId = this.nextRaftId(status);
        await store.update((tx) => {
          tx.create(raftMembers, {
            id: String(raftId),
            RaftID: raftId,
            NodeID: nodeId,
            Addr: addr,
          });
        });
        await this.apply({ kind: 'addLearner', raftId, addr });
        member = store.get(raftMembers, String(raftId));
      }
      const raftId = member?.RaftID ?? 0;
      const peers = store
        .all(raftMembers)
        .filter((m) => !m.Removed)
        .map((m) => ({ raftId: m.RaftID, addr: m.Addr }));
      return { raftId, peers };
    });
  }

  private nextRaftId(status: Status): NodeId {
    let max = 0;
    for (const m of this.options.store.all(raftMembers)) max = Math.max(max, m.RaftID);
    for (const id of [...status.confState.voters, ...status.confState.learners]) {
      max = Math.max(max, id);
    }
    return max + 1;
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private arm(): void {
    this.cancelTimer = this.options.clock.setTimer(this.intervalMs, () => {
      if (!this.running) return;
      this.kick();
      this.arm();
    });
  }

  private readState(status: Status): MembershipState {
    const store = this.options.store;
    return {
      nodes: store.all(nodes),
      members: store.all(raftMembers).filter((m) => !m.Removed),
      confState: status.confState,
      leader: status.id,
      lastIndex: status.lastIndex,
      progress: status.progress ?? new Map(),
    };
  }

  private async sweep(): Promise<void> {
    for (let step = 0; step < MAX_STEPS_PER_SWEEP && this.running; step++) {
      const status = this.options.raft.status();
      if (status.softState.role !== 'leader') return;
      const action = planMembership(this.readState(status), {
        catchUpEntries: this.catchUpEntries,
      });
      if (!action) return;
      this.logger.info('membership change', { action: action.kind });
      await this.apply(action);
      if (action.kind === 'transferLeadership') return;
    }
  }

  private async apply(action: MembershipAction): Promise<void> {
    const { raft, store } = this.options;
    switch (action.kind) {
      case 'addLearner':
        await raft.proposeConfChange(
          {
            type: 'addLearner',
            nodeId: action.raftId,
            context: encoder.encode(action.addr),
          },
          this.abort.signal,
        );
        return;
      case 'promoteVoter':
        await raft.proposeConfChange(
          { type: 'addVoter', nodeId: action.raftId },
          this.abort.signal,
        );
        return;
      case 'transferLeadership':
        raft.transferLeader(action.to);
        return;
      case 'removeMember':
        if (action.inConfig) {
          await raft.proposeConfChange(
            { type: 'removeNode', nodeId: action.raftId },
            this.abort.signal,
          );
        }
        await store.update((tx) => {
          const member = tx.get(raftMembers, String(action.raftId));
          if (member) tx.update(raftMembers, { ...member, Removed: true });
        });
        return;
      case 'setRole':
        await store.update((tx) => {
          const node = tx.get(nodes, action.nodeId);
          if (node) tx.update(nodes, { ...node, Role: action.role });
        });
        return;
    }
  }
}
