import { applyConfChangeTo, restoreConfState } from './conf-change.ts';
import type { Raft } from './raft.ts';
import { bcastAppend, maybeSendAppend } from './replication.ts';
import { NONE } from './types.ts';
import type { ConfChange, ConfState, Snapshot } from './types.ts';

/**
 * Applies a committed conf change to `r` (the membership takes effect when applied, as in
 * etcd) and returns the new membership.
 */
export function applyMembershipChange(r: Raft, cc: ConfChange): ConfState {
  applyConfChangeTo(r.tracker, cc, r.log.lastIndex());
  return switchToConfig(r);
}

/** Replaces the membership with the one recorded in an installed snapshot. */
export function restoreMembership(r: Raft, snapshot: Snapshot): ConfState {
  restoreConfState(r.tracker, snapshot.metadata.confState, r.log.lastIndex());
  return switchToConfig(r);
}

/**
 * Reacts to a new membership. A leader that is no longer a voter steps down (it kept
 * leading until now so that the change itself could commit). A leader that stays may now
 * commit further (a slow voter left), must reach new members, and drops a transfer to a
 * member that is no longer a voter.
 */
function switchToConfig(r: Raft): ConfState {
  r.refreshLearnerFlag();
  const cs = r.tracker.confState();
  if (r.role !== 'leader') return cs;
  if (!r.tracker.voters.has(r.id)) {
    r.becomeFollower(r.term, NONE);
    return cs;
  }
  if (r.maybeCommit()) {
    bcastAppend(r);
  } else {
    // Probe new members at once rather than at the next heartbeat.
    r.tracker.visit((id, pr) => {
      if (id !== r.id) maybeSendAppend(r, id, pr.state === 'probe');
    });
  }
  if (r.leadTransferee !== NONE && !r.tracker.voters.has(r.leadTransferee)) r.abortLeaderTransfer();
  return cs;
}
