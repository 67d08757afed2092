import type { NodeId } from './types.ts';

/** The outcome of a vote among a set of voters. */
export type VoteResult = 'won' | 'lost' | 'pending';

/** The size of a majority of `n` voters. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * The highest index that a majority of `voters` have acknowledged, given each voter's
 * match index (`matchOf`, 0 for unknown). With no voters the result is 0: nothing can be
 * committed by an empty configuration.
 */
export function committedIndex(voters: Iterable<NodeId>, matchOf: (id: NodeId) => number): number {
  const matches: number[] = [];
  for (const id of voters) matches.push(matchOf(id));
  if (matches.length === 0) return 0;
  matches.sort((a, b) => b - a);
  // The majority-th highest match is held by at least a majority of voters.
  return matches[majority(matches.length) - 1] ?? 0;
}

/**
 * Tallies `votes` (true granted, false rejected, absent not yet known) among `voters`;
 * votes from non-voters are ignored. `won` once a majority granted, `lost` once a majority
 * can no longer be reached, `pending` otherwise. An empty configuration never wins.
 */
export function voteResult(
  voters: Iterable<NodeId>,
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  let total = 0;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    total++;
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  if (total === 0) return 'lost';
  const need = majority(total);
  if (granted >= need) return 'won';
  if (granted + missing >= need) return 'pending';
  return 'lost';
}
