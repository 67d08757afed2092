import { makeMessage } from './message.ts';
import type { Raft } from './raft.ts';
import { stepRaft } from './step.ts';
import { NONE } from './types.ts';

/**
 * Advances logical time by one tick. Followers and candidates count towards their
 * randomised election timeout and then campaign; a leader sends heartbeats every
 * heartbeatTick, checks its quorum and abandons a stalled transfer every electionTick.
 */
export function tickRaft(r: Raft): void {
  if (r.role === 'leader') tickLeader(r);
  else tickElection(r);
}

function tickElection(r: Raft): void {
  r.electionElapsed++;
  if (r.promotable() && r.pastElectionTimeout()) {
    r.electionElapsed = 0;
    stepRaft(r, makeMessage({ type: 'hup', from: r.id }));
  }
}

function tickLeader(r: Raft): void {
  r.heartbeatElapsed++;
  r.electionElapsed++;
  if (r.electionElapsed >= r.opts.electionTick) {
    r.electionElapsed = 0;
    if (r.opts.checkQuorum) stepRaft(r, makeMessage({ type: 'checkQuorum', from: r.id }));
    // Check-quorum may have deposed us; a transfer that did not finish in time is abandoned.
    if (r.role === 'leader' && r.leadTransferee !== NONE) r.abortLeaderTransfer();
  }
  if (r.role !== 'leader') return;
  if (r.heartbeatElapsed >= r.opts.heartbeatTick) {
    r.heartbeatElapsed = 0;
    stepRaft(r, makeMessage({ type: 'beat', from: r.id }));
  }
}
