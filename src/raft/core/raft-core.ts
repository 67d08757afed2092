import { InvariantError } from '../../base/errors.ts';
import { encodeConfChange } from './conf-change-codec.ts';
import { applyMembershipChange } from './membership.ts';
import { makeMessage } from './message.ts';
import type { MessageFields } from './message.ts';
import { Raft } from './raft.ts';
import { resolveOptions } from './raft-options.ts';
import { readyFrom, readyWaiting } from './ready.ts';
import { stepRaft } from './step.ts';
import { tickRaft } from './tick.ts';
import { NONE, ProposalDroppedError } from './types.ts';
import type {
  ConfChange,
  ConfState,
  HardState,
  Message,
  NodeId,
  ProgressStatus,
  RaftConfig,
  Ready,
  SoftState,
  Status,
} from './types.ts';

/**
 * A pure Raft state machine in etcd's RawNode shape. It performs no I/O and reads no clock:
 * the shell calls {@link tick} on a timer, feeds peer messages to {@link step}, and drains
 * {@link ready} / {@link advance} as the {@link Ready} contract describes. Not reentrant;
 * every method runs to completion synchronously. Methods may be called between `ready()`
 * and `advance()`; their effects appear in the following Ready.
 */
export class RaftCore {
  private readonly r: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private outstanding: Ready | undefined;

  /**
   * Starts from `config.storage`: its hard state, membership, snapshot and durable log.
   * The application must already reflect every entry up to `config.applied` (or the
   * storage snapshot, whichever is later) and the storage's membership must be the one in
   * force at that point. Over a never-written storage that names members, the core
   * bootstraps: it writes them as committed, already applied term-1 conf change entries,
   * persisted through the first Ready. Throws RangeError for an invalid config.
   */
  constructor(config: RaftConfig) {
    this.r = new Raft(resolveOptions(config));
    this.prevSoftState = this.r.softState();
    // Compare with what is durable, so that a bootstrap's new hard state is persisted.
    this.prevHardState = config.storage.initialState().hardState;
  }

  /** One logical tick: drives election timeouts, heartbeats and check-quorum. */
  tick(): void {
    tickRaft(this.r);
  }

  /** Starts an election now (with pre-vote when enabled); ignored on a leader or a non-voter. */
  campaign(): void {
    this.stepLocal({ type: 'hup' });
  }

  /**
   * Proposes a normal entry. On the leader it is appended; on a follower it is forwarded to
   * the leader. Acceptance does not mean commitment: watch the committed entries. Throws
   * {@link ProposalDroppedError} when it cannot be accepted now.
   */
  propose(data: Uint8Array): void {
    this.stepLocal({ type: 'prop', entries: [{ term: 0, index: 0, type: 'normal', data }] });
  }

  /**
   * Proposes a membership change (one at a time). The change takes effect when the shell
   * applies the committed entry and calls {@link applyConfChange}. Throws
   * {@link ProposalDroppedError}, e.g. `pendingConfChange` while another is unapplied on
   * this leader. A forwarded change refused by the leader is dropped silently.
   */
  proposeConfChange(cc: ConfChange): void {
    if (!Number.isSafeInteger(cc.nodeId) || cc.nodeId <= 0)
      throw new RangeError(`invalid node ID ${cc.nodeId}`);
    const data = encodeConfChange(cc);
    this.stepLocal({ type: 'prop', entries: [{ term: 0, index: 0, type: 'confChange', data }] });
  }

  /**
   * Applies a committed conf change; the shell calls this while applying that entry, in
   * log order. Returns the membership now in force (to record with the next snapshot).
   */
  applyConfChange(cc: ConfChange): ConfState {
    return applyMembershipChange(this.r, cc);
  }

  /**
   * Handles a message from a peer, or one of the local types `hup`, `beat`,
   * `checkQuorum`, `snapStatus`, `unreachable`. Never throws for a dropped proposal: a
   * forwarded proposal the leader refuses is silently discarded.
   */
  step(msg: Message): void {
    try {
      stepRaft(this.r, msg);
    } catch (err) {
      if (err instanceof ProposalDroppedError) return;
      throw err;
    }
  }

  /** Asks the leader to hand leadership to `transferee` (a voter); forwarded when not leader. */
  transferLeader(transferee: NodeId): void {
    this.step(makeMessage({ type: 'transferLeader', from: transferee }));
  }

  /**
   * Requests a linearizable read point tagged `requestCtx` (non-empty, unique among pending
   * reads). The answer is a ReadState in a later Ready; without a leader the request is
   * dropped and the caller should retry after a timeout.
   */
  readIndex(requestCtx: Uint8Array): void {
    if (requestCtx.byteLength === 0)
      throw new RangeError('readIndex needs a non-empty request context');
    this.step(makeMessage({ type: 'readIndex', context: requestCtx }));
  }

  /** Tells the leader that `id` could not be reached; its pipeline falls back to probing. */
  reportUnreachable(id: NodeId): void {
    this.step(makeMessage({ type: 'unreachable', from: id }));
  }

  /**
   * Tells the leader whether the snapshot sent to `id` was delivered. The shell must report
   * every `snap` message's fate: until then the member's replication stays paused.
   */
  reportSnapshot(id: NodeId, ok: boolean): void {
    this.step(makeMessage({ type: 'snapStatus', from: id, reject: !ok }));
  }

  /** True when {@link ready} would return something to do (false while a Ready is outstanding). */
  hasReady(): boolean {
    if (this.outstanding !== undefined) return false;
    return readyWaiting(this.r, this.prevSoftState, this.prevHardState);
  }

  /**
   * Collects everything the shell must persist, send and apply (see {@link Ready}). Throws
   * {@link InvariantError} if the previous Ready has not been advanced.
   */
  ready(): Ready {
    if (this.outstanding !== undefined) {
      throw new InvariantError(
        'ready-after-advance',
        'ready() called before advance() of the previous Ready',
      );
    }
    const rd = readyFrom(this.r, this.prevSoftState, this.prevHardState);
    if (rd.hardState !== undefined && rd.hardState.commit < this.prevHardState.commit) {
      throw new InvariantError(
        'commit-never-decreases',
        `commit went from ${this.prevHardState.commit} to ${rd.hardState.commit}`,
      );
    }
    if (rd.softState !== undefined) this.prevSoftState = rd.softState;
    if (rd.hardState !== undefined) this.prevHardState = rd.hardState;
    this.r.msgs = [];
    this.r.readStates = [];
    this.outstanding = rd;
    return rd;
  }

  /**
   * Reports that `ready` (the last one returned) was fully handled: its entries and
   * snapshot are durable and its committed entries applied. Throws {@link InvariantError}
   * for any other Ready.
   */
  advance(ready: Ready): void {
    if (ready !== this.outstanding) {
      throw new InvariantError(
        'advance-matches-ready',
        'advance() must receive the last Ready returned by ready()',
      );
    }
    this.outstanding = undefined;
    const log = this.r.log;
    const lastEntry = ready.entries[ready.entries.length - 1];
    if (lastEntry !== undefined) log.unstable.stableTo(lastEntry.index, lastEntry.term);
    if (ready.snapshot !== undefined) {
      log.unstable.stableSnapTo(ready.snapshot.metadata.index);
      if (ready.snapshot.metadata.index > log.applied) log.appliedTo(ready.snapshot.metadata.index);
    }
    const firstApplied = ready.committedEntries[0];
    const lastApplied = ready.committedEntries[ready.committedEntries.length - 1];
    if (firstApplied !== undefined && lastApplied !== undefined) {
      if (firstApplied.index !== log.applied + 1) {
        throw new InvariantError(
          'apply-in-order',
          `committed entries start at ${firstApplied.index} but applied is ${log.applied}`,
        );
      }
      log.appliedTo(lastApplied.index);
      this.r.reduceUncommittedSize(ready.committedEntries);
    }
  }

  /** A snapshot of the core's state for tests, diagnostics and the application. */
  status(): Status {
    const r = this.r;
    const base = {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      confState: r.tracker.confState(),
      leadTransferee: r.leadTransferee,
    };
    if (r.role !== 'leader') return base;
    const progress = new Map<NodeId, ProgressStatus>();
    r.tracker.visit((id, pr) => progress.set(id, pr.toStatus()));
    return { ...base, progress };
  }

  private stepLocal(fields: MessageFields): void {
    stepRaft(this.r, makeMessage({ ...fields, from: NONE }));
  }
}
