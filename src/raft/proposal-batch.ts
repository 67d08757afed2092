import type { RaftCore } from './core/raft-core.ts';
import type { Entry, Message } from './core/types.ts';

/**
 * Proposals waiting for the next turn of a {@link RaftNode}'s loop, handed to the core
 * together: a batch costs one append broadcast instead of one per proposal, which is most
 * of the difference between a few thousand and tens of thousands of commits per second.
 */
export class ProposalBatch {
  private seqs: number[] = [];
  private data: Uint8Array[] = [];

  /** Number of proposals waiting. */
  get size(): number {
    return this.data.length;
  }

  /** Queues the wrapped `data` of proposal `seq`. */
  push(seq: number, data: Uint8Array): void {
    this.seqs.push(seq);
    this.data.push(data);
  }

  /** Forgets every waiting proposal (the node stopped; the tracker rejects them). */
  clear(): void {
    this.seqs = [];
    this.data = [];
  }

  /**
   * Steps every waiting proposal into `core`, as one `prop` message when the core leads or
   * can forward to a leader. A leader that did not append the whole batch refused it: the
   * proposals are then retried one by one, so each gets the core's exact refusal (and any it
   * accepts still goes through). `refused` receives each refused proposal's error.
   */
  flush(core: RaftCore, canForward: boolean, refused: (seq: number, error: Error) => void): void {
    const count = this.data.length;
    if (count === 0) return;
    const seqs = this.seqs;
    const data = this.data;
    this.clear();
    const before = count > 1 ? core.status() : undefined;
    const leading = before?.softState.role === 'leader';
    if (before && (leading || (canForward && before.softState.leader !== 0))) {
      const entries = new Array<Entry>(count);
      for (let i = 0; i < count; i++)
        entries[i] = { term: 0, index: 0, type: 'normal', data: data[i]! };
      core.step(proposalMessage(entries));
      if (!leading || core.status().lastIndex === before.lastIndex + count) return;
    }
    for (let i = 0; i < count; i++) {
      try {
        core.propose(data[i]!);
      } catch (error) {
        refused(seqs[i]!, error as Error);
      }
    }
  }
}

/** A local proposal of `entries`, shaped as the message the core forwards between members. */
function proposalMessage(entries: readonly Entry[]): Message {
  return {
    type: 'prop',
    to: 0,
    from: 0,
    term: 0,
    logTerm: 0,
    index: 0,
    entries,
    commit: 0,
    reject: false,
    rejectHint: 0,
  };
}
