import { randomBytes } from 'node:crypto';
import type { CancelTimer, Clock } from '../base/clock.ts';
import { silentLogger } from '../base/logger.ts';
import type { Logger } from '../base/logger.ts';
import { abortReason, watchAbort } from './abort-signal.ts';
import type { MemoryStorage } from './core/memory-storage.ts';
import { RaftCore } from './core/raft-core.ts';
import type {
  ConfChange,
  ConfState,
  Message,
  NodeId,
  RaftConfig,
  Ready,
  Snapshot,
  Status,
} from './core/types.ts';
import { EntryApplier } from './entry-applier.ts';
import { wrapProposal } from './proposal-envelope.ts';
import type { EnvelopeOrigin } from './proposal-envelope.ts';
import { bootstrapIfEmpty, memoryStorageFrom } from './node-recovery.ts';
import { ProposalBatch } from './proposal-batch.ts';
import { ProposalTracker, stoppedError } from './proposal-tracker.ts';
import { ReadBarrierQueue } from './read-barrier-queue.ts';
import type { StateMachine } from './state-machine.ts';
import type { DurableUpdate, RaftStorage } from './storage/types.ts';
import type { Transport } from './transport/types.ts';

export type { StateMachine } from './state-machine.ts';
export { RAFT_PROPOSAL_LOST, RAFT_PROPOSAL_UNKNOWN, RAFT_STOPPED } from './proposal-tracker.ts';

/** How to build a {@link RaftNode}; only `id`, `storage`, `transport` and `stateMachine` are required. */
export interface RaftNodeOptions {
  readonly id: NodeId;
  /** Voters to bootstrap with when the storage is empty (every founding member gets the same list). */
  readonly bootstrap?: readonly NodeId[];
  readonly storage: RaftStorage;
  readonly transport: Transport;
  readonly stateMachine: StateMachine;
  /** Milliseconds per Raft tick. Default 100. */
  readonly tickMs?: number;
  /** Take a snapshot and compact the log after this many applied entries. Default 10_000. */
  readonly snapshotEntries?: number;
  /**
   * Entries kept in the in-memory log behind a snapshot, so a follower lagging by less than
   * this catches up from the log instead of by snapshot. Default 5_000.
   */
  readonly catchUpEntries?: number;
  /** Overrides for the core's configuration (electionTick, heartbeatTick, preVote...). */
  readonly raft?: Partial<Omit<RaftConfig, 'id' | 'storage' | 'applied' | 'random'>>;
}

/** What a {@link RaftNode} takes from its surroundings. */
export interface RaftNodeDeps {
  readonly clock: Clock;
  /** Randomness for election timeouts. */
  readonly random: () => number;
  readonly logger?: Logger;
}

type Phase = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The shell around a {@link RaftCore}: it owns the tick timer, the durable storage, the
 * transport and the state machine, and nothing else.
 *
 * Each Ready is handled strictly in the core's order (persist, send, apply, advance), and
 * only one Ready is in flight: while a save is in progress, proposals and incoming messages
 * still step the core, and the next Ready carries all that accumulated, so many proposals
 * share one fsync. A storage failure, or a state machine that throws, stops the node.
 */
export class RaftNode {
  private readonly id: NodeId;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly tickMs: number;
  private readonly snapshotEntries: number;
  private readonly catchUpEntries: number;
  private readonly self: EnvelopeOrigin;
  private readonly proposals = new ProposalTracker<number>();
  private readonly confChanges = new ProposalTracker<ConfState>();
  private readonly reads: ReadBarrierQueue;
  private readonly leaderListeners = new Set<(leader: NodeId, term: number) => void>();
  private core: RaftCore | undefined;
  private memory: MemoryStorage | undefined;
  private phase: Phase = 'new';
  private handling: Promise<void> | undefined;
  private scheduled = false;
  private cancelTick: CancelTimer | undefined;
  private stopping: Promise<void> | undefined;
  /** Why the node stopped itself (a storage or state-machine error), given as the cause. */
  private failure: unknown;
  private readonly applier: EntryApplier;
  private snapshotIndex = 0;
  private leaderId: NodeId = 0;
  private readonly batch = new ProposalBatch();

  constructor(
    private readonly options: RaftNodeOptions,
    private readonly deps: RaftNodeDeps,
  ) {
    this.id = options.id;
    this.clock = deps.clock;
    this.logger = (deps.logger ?? silentLogger).child({
      component: 'raft-node',
      member: options.id,
    });
    this.tickMs = options.tickMs ?? 100;
    this.snapshotEntries = options.snapshotEntries ?? 10_000;
    this.catchUpEntries = options.catchUpEntries ?? 5_000;
    this.self = {
      origin: options.id,
      // Not from deps.random: a member restarted with the same seed must still get a new tag.
      incarnation: randomBytes(4).readUInt32BE(0),
    };
    this.applier = new EntryApplier(
      options.stateMachine,
      this.self,
      this.proposals,
      this.confChanges,
      (change) => this.requireCore().applyConfChange(change),
    );
    const prefix = `${options.id}.${this.self.incarnation}`;
    this.reads = new ReadBarrierQueue(
      prefix,
      (ctx) => this.requireCore().readIndex(ctx),
      options.raft?.electionTick ?? 10,
    );
  }

  /** Opens storage, restores the snapshot and replays the log into the core, starts ticking. */
  async start(): Promise<void> {
    if (this.phase !== 'new')
      throw new Error('RaftNode.start: a node starts once; build a new one to restart');
    this.phase = 'starting';
    const recovered = await bootstrapIfEmpty(
      this.options.storage,
      await this.options.storage.open(),
      this.options.bootstrap ?? [],
    );
    // stop() during start: leave everything closed.
    if (this.phase !== 'starting') return;
    const memory = memoryStorageFrom(recovered);
    this.memory = memory;
    if (recovered.snapshot) this.installSnapshot(recovered.snapshot);
    const commit = Math.min(recovered.hardState.commit, memory.lastIndex());
    this.core = new RaftCore({
      ...this.options.raft,
      id: this.id,
      storage: memory,
      applied: commit,
      random: this.deps.random,
    });
    const applied = this.applier.applied;
    if (commit > applied) {
      this.applier.apply(memory.entries(applied + 1, commit + 1, Number.MAX_SAFE_INTEGER));
    }
    this.leaderId = this.core.status().softState.leader;
    this.options.transport.onMessage((m) => this.receive(m));
    this.options.transport.onUnreachable((peer) => {
      if (this.phase === 'running') this.core?.reportUnreachable(peer);
      this.kick();
    });
    this.phase = 'running';
    this.armTick();
    this.kick();
  }

  /** Stops ticking, drains the current Ready, closes storage (not the transport). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * Resolves with the entry's index once it is committed AND applied on this node; rejects
   * with ProposalDroppedError if the core refuses it, a ShoalError `RAFT_PROPOSAL_LOST` if a
   * different entry was committed at its index, `RAFT_PROPOSAL_UNKNOWN` if a snapshot from
   * the leader replaced the log around it, `RAFT_STOPPED` if the node stops first, or the
   * reason of `signal` when it aborts (the entry may still commit later). A proposal that a
   * follower forwarded and the leader silently dropped (or that was lost in transit) stays
   * pending: callers that need a bound pass `signal`. Proposals made in one turn of the
   * event loop reach the core together.
   */
  propose(payload: Uint8Array, signal?: AbortSignal): Promise<number> {
    if (this.phase !== 'running') return Promise.reject(stoppedError());
    const { seq, promise } = this.proposals.add();
    // Proposals wait for the next turn of the loop and reach the core together (see flushProposals).
    this.batch.push(seq, wrapProposal(this.self, seq, payload));
    if (signal) watchAbort(signal, promise, () => this.proposals.fail(seq, abortReason(signal)));
    this.kick();
    return promise;
  }

  /**
   * Linearizable read barrier: resolves once this node has applied everything committed
   * before the call (ReadIndex), so a read of the local state machine is linearizable.
   * Rejects if the core refuses the request (no leader), with `RAFT_STOPPED`, or with the
   * reason of `signal`.
   */
  readBarrier(signal?: AbortSignal): Promise<void> {
    if (this.phase !== 'running') return Promise.reject(stoppedError());
    const promise = this.reads.wait(signal);
    this.kick();
    return promise;
  }

  /** Resolves with the new membership once the change is applied here; rejects as {@link propose}. */
  proposeConfChange(change: ConfChange, signal?: AbortSignal): Promise<ConfState> {
    if (this.phase !== 'running') return Promise.reject(stoppedError());
    const { seq, promise } = this.confChanges.add();
    const context = wrapProposal(this.self, seq, change.context ?? new Uint8Array(0));
    try {
      const core = this.requireCore();
      // Proposals made before this change reach the core before it.
      this.flushProposals(core);
      core.proposeConfChange({ type: change.type, nodeId: change.nodeId, context });
    } catch (error) {
      this.confChanges.fail(seq, error as Error);
      return promise;
    }
    if (signal) watchAbort(signal, promise, () => this.confChanges.fail(seq, abortReason(signal)));
    this.kick();
    return promise;
  }

  /** Asks the leader to hand leadership to `to`; fire and forget (watch {@link onLeaderChange}). */
  transferLeader(to: NodeId): void {
    this.requireCore().transferLeader(to);
    this.kick();
  }

  /** Starts an election now, without waiting for the election timeout. */
  campaign(): void {
    this.requireCore().campaign();
    this.kick();
  }

  /** A fresh picture of the core (role, term, commit, progress on the leader); throws before start. */
  status(): Status {
    return this.requireCore().status();
  }

  /** The current leader as this node knows it (0 if none). */
  leader(): NodeId {
    return this.leaderId;
  }

  /** The index of the last entry applied to the state machine. */
  appliedIndex(): number {
    return this.applier.applied;
  }

  /** Called on every leader/role change. Returns an unsubscribe function. */
  onLeaderChange(listener: (leader: NodeId, term: number) => void): () => void {
    this.leaderListeners.add(listener);
    return () => this.leaderListeners.delete(listener);
  }

  private requireCore(): RaftCore {
    if (!this.core) throw stoppedError();
    return this.core;
  }

  private armTick(): void {
    this.cancelTick = this.clock.setTimer(this.tickMs, () => {
      if (this.phase !== 'running') return;
      this.core?.tick();
      this.reads.tick();
      this.kick();
      this.armTick();
    });
  }

  private receive(message: Message): void {
    if (this.phase !== 'running') return;
    try {
      this.core?.step(message);
    } catch (error) {
      this.logger.debug('dropped a message the core refused', {
        type: message.type,
        from: message.from,
        error: String(error),
      });
    }
    this.kick();
  }

  /** Schedules Ready handling unless it is already scheduled or running. */
  private kick(): void {
    if (this.scheduled || this.handling || this.phase !== 'running') return;
    this.scheduled = true;
    setImmediate(this.runLoop);
  }

  private readonly runLoop = (): void => {
    this.scheduled = false;
    if (this.handling || this.phase !== 'running' || !this.core) return;
    this.flushProposals(this.core);
    if (this.core.hasReady()) this.handling = this.drain(this.core);
  };

  private async drain(core: RaftCore): Promise<void> {
    try {
      while (this.phase === 'running') {
        this.flushProposals(core);
        if (!core.hasReady()) break;
        await this.handleReady(core, core.ready());
      }
    } catch (error) {
      this.logger.error('raft node failed; stopping', { error: String(error) });
      this.failure = error;
      this.handling = undefined;
      void this.stop();
      return;
    }
    this.handling = undefined;
  }

  private flushProposals(core: RaftCore): void {
    const canForward = !this.options.raft?.disableProposalForwarding;
    this.batch.flush(core, canForward, (seq, error) => this.proposals.fail(seq, error));
  }

  private async handleReady(core: RaftCore, rd: Ready): Promise<void> {
    const memory = this.memory!;
    if (rd.snapshot || rd.entries.length > 0 || rd.hardState) {
      await this.options.storage.save(durableUpdate(rd), rd.mustSync);
    }
    // Listeners hear of a new role only once the term that carries it is durable.
    if (rd.softState) {
      this.noteLeader(rd.softState.leader, rd.hardState?.term ?? core.status().hardState.term);
    }
    if (rd.snapshot) memory.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) {
      memory.append(rd.entries);
      this.applier.appended(rd.entries);
    }
    if (rd.hardState) memory.setHardState(rd.hardState);
    if (rd.messages.length > 0) this.send(core, rd.messages);
    if (rd.snapshot) this.installSnapshot(rd.snapshot);
    if (rd.committedEntries.length > 0) this.applier.apply(rd.committedEntries);
    const applied = this.applier.applied;
    for (const state of rd.readStates) this.reads.onReadState(state, applied);
    core.advance(rd);
    this.reads.onApplied(applied);
    if (applied - this.snapshotIndex >= this.snapshotEntries) await this.takeSnapshot(memory);
  }

  private send(core: RaftCore, messages: readonly Message[]): void {
    this.options.transport.send(messages);
    // The transport gives no delivery receipt; a lost snapshot shows up as a rejected
    // append later, which makes the leader probe and send another.
    for (const m of messages) if (m.type === 'snap') core.reportSnapshot(m.to, true);
  }

  private installSnapshot(snapshot: Snapshot): void {
    if (snapshot.metadata.index === 0) {
      this.applier.confState = snapshot.metadata.confState;
      return;
    }
    this.applier.install(snapshot);
    this.snapshotIndex = snapshot.metadata.index;
  }

  private async takeSnapshot(memory: MemoryStorage): Promise<void> {
    const index = this.applier.applied;
    const image = this.options.stateMachine.snapshot();
    const snapshot = memory.createSnapshot(index, this.applier.confState, image);
    await this.options.storage.saveSnapshot(snapshot);
    const compactTo = index - this.catchUpEntries;
    if (compactTo >= memory.firstIndex()) memory.compact(compactTo);
    this.snapshotIndex = index;
  }

  private noteLeader(leader: NodeId, term: number): void {
    this.leaderId = leader;
    for (const listener of this.leaderListeners) {
      try {
        listener(leader, term);
      } catch (error) {
        this.logger.warn('leader-change listener threw', { error: String(error) });
      }
    }
  }

  private async shutdown(): Promise<void> {
    const wasRunning = this.phase === 'running' || this.phase === 'starting';
    this.phase = 'stopping';
    this.cancelTick?.();
    await this.handling?.catch(() => undefined);
    this.phase = 'stopped';
    const error = stoppedError(this.failure);
    this.batch.clear();
    this.proposals.failAll(error);
    this.confChanges.failAll(error);
    this.reads.failAll(error);
    if (wasRunning) await this.options.storage.close();
  }
}

function durableUpdate(rd: Ready): DurableUpdate {
  const update: { -readonly [K in keyof DurableUpdate]: DurableUpdate[K] } = {
    entries: rd.entries,
  };
  if (rd.snapshot) update.snapshot = rd.snapshot;
  if (rd.hardState) update.hardState = rd.hardState;
  return update;
}
