import { Inflights } from './inflights.ts';
import type { ProgressState, ProgressStatus } from './types.ts';

/**
 * The leader's view of one member's log (etcd's Progress). `match` is the highest index
 * known replicated on the member, `next` the next index to send. The state decides how
 * appends flow:
 *
 * ```text
 *            append accepted                  needs a compacted entry (also from replicate)
 *   probe  ------------------>  replicate     probe  ------------------>  snapshot
 *   probe  <------------------  replicate     probe  <------------------  snapshot
 *           rejected/unreachable                     snapshot reported (ok or failed)
 *
 *   snapshot  ---------------------------------------------------------->  replicate
 *              an acknowledgement reaches past the leader's compaction point
 * ```
 *
 * - `probe`: one append at a time, then wait for a reply (or a heartbeat) before the next;
 *   used after election, after a rejection and for new members.
 * - `replicate`: appends are pipelined optimistically up to the inflights window.
 * - `snapshot`: a snapshot is on its way; appends are paused until it is reported.
 *
 * Invariant: `match < next`.
 */
export class Progress {
  match: number;
  next: number;
  state: ProgressState = 'probe';
  /** In `snapshot` state, the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from within the current check-quorum period. */
  recentActive: boolean;
  /** Heard from within the previous check-quorum period (kept when the current one resets). */
  activeLastPeriod = false;
  /** In `probe` state, an append is outstanding and no other may be sent. */
  probeSent = false;
  isLearner: boolean;
  readonly inflights: Inflights;

  constructor(init: {
    match: number;
    next: number;
    isLearner: boolean;
    recentActive: boolean;
    maxInflight: number;
  }) {
    this.match = init.match;
    this.next = init.next;
    this.isLearner = init.isLearner;
    this.recentActive = init.recentActive;
    this.inflights = new Inflights(init.maxInflight);
  }

  /** Back to one-at-a-time probing from just after the known match (or the sent snapshot). */
  becomeProbe(): void {
    const sentSnapshot = this.state === 'snapshot' ? this.pendingSnapshot : 0;
    this.resetState('probe');
    this.next = Math.max(this.match + 1, sentSnapshot + 1);
  }

  /** Starts pipelining right after the match. */
  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  /** Pauses appends while the snapshot at `snapshotIndex` is delivered. */
  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /**
   * Records an acknowledgement up to `index`. Returns true when `match` grew (a stale or
   * duplicate reply returns false); a new match also lifts a probe pause.
   */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * Handles a rejected append of the entry after `rejected`; `hint` is the highest index
   * the leader believes may still match. Returns false when the rejection is stale (it
   * refers to a message older than the current probe or below the match).
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      // Pipelined appends after a lost one are all rejected; restart right after the match.
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Records an append just sent whose last entry is `lastIndex` and that carried `count` entries. */
  sentEntries(count: number, lastIndex: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /** True when no append may be sent to this member now. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  /** A heartbeat reply proves the member is reachable: allow the next append. */
  resumeAfterHeartbeat(): void {
    this.probeSent = false;
    // A full window whose messages were all lost would stall forever; free one slot.
    if (this.state === 'replicate' && this.inflights.full()) this.inflights.freeFirstOne();
  }

  /** A plain-data copy for {@link Status}. */
  toStatus(): ProgressStatus {
    return {
      match: this.match,
      next: this.next,
      state: this.state,
      isLearner: this.isLearner,
      recentActive: this.recentActive,
      active: this.recentActive || this.activeLastPeriod,
    };
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }
}
