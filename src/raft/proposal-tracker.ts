import { ShoalError } from '../base/errors.ts';

/** The entry at the proposal's index was committed with other content: it will never apply. */
export const RAFT_PROPOSAL_LOST = 'RAFT_PROPOSAL_LOST';
/** The node stopped before the proposal was applied; it may or may not apply elsewhere. */
export const RAFT_STOPPED = 'RAFT_STOPPED';
/** A snapshot replaced the log around the proposal: it may or may not have been applied. */
export const RAFT_PROPOSAL_UNKNOWN = 'RAFT_PROPOSAL_UNKNOWN';

/** The error every pending call gets when its node stops; `cause` is why it stopped itself. */
export function stoppedError(cause?: unknown): ShoalError {
  return new ShoalError(RAFT_STOPPED, 'the raft node is stopped; retry on a running member', {
    status: 503,
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
  /** Where the entry sits in this member's log; 0 until seen in a Ready's entries. */
  index: number;
}

/**
 * The proposals of one member that are waiting to be applied, keyed by the sequence number
 * of their envelope. The shell tells it which entries were appended (that is how a proposal
 * learns its index) and which were applied; a proposal resolves when its own entry applies
 * and is rejected with {@link RAFT_PROPOSAL_LOST} once a different entry applies at its index.
 *
 * Proposals forwarded to a leader that never appended them stay pending until the caller's
 * AbortSignal fires or the node stops: only the caller knows how long to wait.
 */
export class ProposalTracker<T> {
  private readonly waiting = new Map<number, Waiter<T>>();
  /** (seq, index) in the order entries were appended, so indexes mostly ascend. */
  private queueSeq: number[] = [];
  private queueIndex: number[] = [];
  private queueHead = 0;
  private nextSeq = 1;

  /** Number of proposals still waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /** Registers a new proposal; returns its sequence number and the promise of its result. */
  add(): { seq: number; promise: Promise<T> } {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) >>> 0 || 1;
    const promise = new Promise<T>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject, index: 0 });
    });
    return { seq, promise };
  }

  /** Rejects one proposal (the core refused it, or its caller gave up). */
  fail(seq: number, error: Error): void {
    const waiter = this.waiting.get(seq);
    if (!waiter) return;
    this.waiting.delete(seq);
    waiter.reject(error);
  }

  /** Notes that proposal `seq` (if still waiting) was appended at `index` of this member's log. */
  appended(seq: number, index: number): void {
    const waiter = this.waiting.get(seq);
    if (!waiter) return;
    waiter.index = index;
    this.queueSeq.push(seq);
    this.queueIndex.push(index);
  }

  /** Resolves proposal `seq` (if still waiting) with `value`: its entry was applied. */
  applied(seq: number, value: T): void {
    const waiter = this.waiting.get(seq);
    if (!waiter) return;
    this.waiting.delete(seq);
    waiter.resolve(value);
  }

  /** After everything up to `index` applied: proposals that sat at or below it are lost. */
  appliedThrough(index: number): void {
    while (this.queueHead < this.queueSeq.length && this.queueIndex[this.queueHead]! <= index) {
      const seq = this.queueSeq[this.queueHead]!;
      const at = this.queueIndex[this.queueHead]!;
      this.queueHead++;
      const waiter = this.waiting.get(seq);
      // The same proposal may have been re-appended elsewhere; only its latest slot counts.
      if (waiter && waiter.index === at) {
        this.waiting.delete(seq);
        waiter.reject(
          new ShoalError(
            RAFT_PROPOSAL_LOST,
            `the entry proposed at index ${at} was replaced by a new leader; retry`,
            {
              status: 503,
              retryable: true,
            },
          ),
        );
      }
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queueSeq.length) {
      this.queueSeq = this.queueSeq.slice(this.queueHead);
      this.queueIndex = this.queueIndex.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  /**
   * A snapshot up to `index` was installed: proposals at or below it, or not yet seen in
   * the log, may have been applied inside it, so their outcome is unknown.
   */
  snapshotInstalled(index: number): void {
    for (const [seq, waiter] of this.waiting) {
      if (waiter.index !== 0 && waiter.index > index) continue;
      this.waiting.delete(seq);
      waiter.reject(
        new ShoalError(
          RAFT_PROPOSAL_UNKNOWN,
          'a snapshot from the leader replaced the log; check whether the change applied',
          {
            status: 503,
            retryable: false,
          },
        ),
      );
    }
  }

  /** Rejects every waiting proposal with `error`. */
  failAll(error: Error): void {
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    this.queueSeq = [];
    this.queueIndex = [];
    this.queueHead = 0;
    for (const waiter of waiters) waiter.reject(error);
  }
}
