import { ConfChangeDecodeError, decodeConfChange } from './conf-change-codec.ts';
import { Progress } from './progress.ts';
import type { ProgressTracker } from './progress-tracker.ts';
import type { RaftLog } from './raft-log.ts';
import type { ConfChange, ConfState, NodeId } from './types.ts';

/**
 * Applies one single-server membership change to `tracker` in place. New members start in
 * `probe` with `next = lastIndex + 1` and count as recently active, so that check-quorum
 * does not depose the leader before they had a chance to answer. `addLearner` on a voter
 * demotes it, `addVoter` on a learner promotes it, re-adding an existing member in the same
 * role and removing an unknown member change nothing. A change that would leave no voter
 * is ignored: every member applies the same log, so every member ignores it alike.
 */
export function applyConfChangeTo(
  tracker: ProgressTracker,
  cc: ConfChange,
  lastIndex: number,
): void {
  const id = cc.nodeId;
  if (id <= 0) return;
  switch (cc.type) {
    case 'addVoter': {
      tracker.learners.delete(id);
      tracker.voters.add(id);
      ensureProgress(tracker, id, lastIndex).isLearner = false;
      return;
    }
    case 'addLearner': {
      if (tracker.voters.has(id) && tracker.voters.size === 1) return;
      tracker.voters.delete(id);
      tracker.learners.add(id);
      ensureProgress(tracker, id, lastIndex).isLearner = true;
      return;
    }
    case 'removeNode': {
      if (tracker.voters.has(id) && tracker.voters.size === 1) return;
      tracker.voters.delete(id);
      tracker.learners.delete(id);
      tracker.progress.delete(id);
      return;
    }
  }
}

/** Rebuilds `tracker`'s membership from `cs` (at start and on snapshot install). */
export function restoreConfState(tracker: ProgressTracker, cs: ConfState, lastIndex: number): void {
  tracker.voters.clear();
  tracker.learners.clear();
  tracker.progress.clear();
  for (const id of cs.voters)
    applyConfChangeTo(tracker, { type: 'addVoter', nodeId: id }, lastIndex);
  for (const id of cs.learners) {
    if (!tracker.voters.has(id))
      applyConfChangeTo(tracker, { type: 'addLearner', nodeId: id }, lastIndex);
  }
}

function ensureProgress(tracker: ProgressTracker, id: number, lastIndex: number): Progress {
  const existing = tracker.progress.get(id);
  if (existing !== undefined) return existing;
  const pr = new Progress({
    match: 0,
    next: lastIndex + 1,
    isLearner: false,
    recentActive: true,
    maxInflight: tracker.maxInflight,
  });
  tracker.setProgress(id, pr);
  return pr;
}

/** True when `cc` takes `id` out of the voters. */
export function removesMember(cc: ConfChange, id: NodeId): boolean {
  return cc.nodeId === id && (cc.type === 'removeNode' || cc.type === 'addLearner');
}

/**
 * The index of the last conf change from `lo` to the end of `log` that removes `id` or
 * demotes it to learner, or 0. A leader with such a change pending stops appending after
 * it: when the change is applied it steps down, and if its log were then longer than the
 * others' it would refuse them its vote, which the old membership may still need to elect
 * a successor.
 */
export function findLeavingIndex(log: RaftLog, id: NodeId, lo: number): number {
  const from = Math.max(lo, log.firstIndex());
  const hi = log.lastIndex();
  if (from > hi) return 0;
  let found = 0;
  for (const e of log.slice(from, hi + 1, Number.MAX_SAFE_INTEGER)) {
    if (e.type !== 'confChange') continue;
    try {
      if (removesMember(decodeConfChange(e.data), id)) found = e.index;
    } catch (err) {
      // Opaque data the core did not encode cannot remove us; applying it is the shell's concern.
      if (!(err instanceof ConfChangeDecodeError)) throw err;
    }
  }
  return found;
}
