import type { Progress } from './progress.ts';
import { committedIndex, voteResult } from './quorum.ts';
import type { VoteResult } from './quorum.ts';
import type { ConfState, NodeId } from './types.ts';

/**
 * The membership and every member's {@link Progress}, plus the votes of the current
 * election. Voters and learners are disjoint; every member has a progress entry. Iteration
 * is in ascending ID order so that runs are deterministic.
 */
export class ProgressTracker {
  readonly voters = new Set<NodeId>();
  readonly learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();

  constructor(readonly maxInflight: number) {}

  /** The membership as plain sorted arrays. */
  confState(): ConfState {
    return { voters: sortIds(this.voters), learners: sortIds(this.learners) };
  }

  /** Voter IDs in ascending order. */
  voterIds(): NodeId[] {
    return sortIds(this.voters);
  }

  /** True when this configuration has exactly one voter. */
  isSingleton(): boolean {
    return this.voters.size === 1;
  }

  /** Calls `fn` for every member (voters and learners) in ascending ID order. */
  visit(fn: (id: NodeId, pr: Progress) => void): void {
    for (const id of sortIds(this.progress.keys())) {
      const pr = this.progress.get(id);
      if (pr !== undefined) fn(id, pr);
    }
  }

  /** The highest index replicated on a majority of voters. */
  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match ?? 0);
  }

  /** True when a majority of voters were recently active. */
  quorumActive(): boolean {
    const active = new Map<NodeId, boolean>();
    for (const id of this.voters) active.set(id, this.progress.get(id)?.recentActive ?? false);
    return voteResult(this.voters, active) === 'won';
  }

  /** Forgets the votes of the previous election. */
  resetVotes(): void {
    this.votes.clear();
  }

  /** Records `id`'s vote; only the first vote of each member counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  /** Counts the recorded votes among voters. */
  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: voteResult(this.voters, this.votes) };
  }

  /** Adds or replaces `id`'s progress. */
  setProgress(id: NodeId, pr: Progress): void {
    this.progress.set(id, pr);
  }
}

function sortIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => a - b);
}
