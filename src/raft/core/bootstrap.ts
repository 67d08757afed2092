import { encodeConfChange } from './conf-change-codec.ts';
import { NONE } from './types.ts';
import type { ConfChange, ConfState, Entry, LogReader } from './types.ts';

/** True for a storage never written to whose membership was given at creation. */
export function isFreshBootstrap(storage: LogReader, cs: ConfState): boolean {
  const { hardState } = storage.initialState();
  return (
    storage.lastIndex() === 0 &&
    storage.firstIndex() === 1 &&
    hardState.term === 0 &&
    hardState.vote === NONE &&
    hardState.commit === 0 &&
    cs.voters.length + cs.learners.length > 0
  );
}

/**
 * The bootstrap membership as term-1 conf change entries at indexes 1.. (voters, then
 * learners, each in ascending ID order), as etcd's Bootstrap writes them. Every member
 * bootstrapped with the same membership writes identical entries, and a member that joins
 * later with an empty storage rebuilds the membership by applying the log from index 1.
 */
export function bootstrapEntries(cs: ConfState): Entry[] {
  const byId = (a: number, b: number): number => a - b;
  const changes: ConfChange[] = [
    ...[...cs.voters].sort(byId).map((nodeId) => ({ type: 'addVoter' as const, nodeId })),
    ...[...cs.learners].sort(byId).map((nodeId) => ({ type: 'addLearner' as const, nodeId })),
  ];
  return changes.map((cc, i) => ({
    term: 1,
    index: i + 1,
    type: 'confChange' as const,
    data: encodeConfChange(cc),
  }));
}
