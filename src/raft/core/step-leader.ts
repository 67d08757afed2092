import type { Progress } from './progress.ts';
import { decodeConfChange } from './conf-change-codec.ts';
import { removesMember } from './conf-change.ts';
import type { Raft } from './raft.ts';
import {
  acknowledgeReadHeartbeat,
  handleReadIndex,
  releasePendingReadIndexMessages,
} from './leader-reads.ts';
import {
  bcastAppend,
  bcastHeartbeat,
  maybeSendAppend,
  sendAppend,
  sendTimeoutNow,
} from './replication.ts';
import { NONE, ProposalDroppedError } from './types.ts';
import type { Message } from './types.ts';

/**
 * The leader's handling of a message at its current term: local beats and quorum checks,
 * proposals, reads, and the replies and reports that drive each member's progress.
 * Throws {@link ProposalDroppedError} for a proposal it refuses.
 */
export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case 'beat':
      bcastHeartbeat(r);
      return;
    case 'checkQuorum':
      checkQuorum(r);
      return;
    case 'prop':
      propose(r, m);
      return;
    case 'readIndex':
      handleReadIndex(r, m);
      return;
    default:
      break;
  }
  const pr = r.tracker.progress.get(m.from);
  if (pr === undefined) return;
  switch (m.type) {
    case 'appResp':
      pr.recentActive = true;
      if (m.reject) handleAppendRejection(r, m, pr);
      else handleAppendSuccess(r, m, pr);
      return;
    case 'heartbeatResp':
      pr.recentActive = true;
      pr.resumeAfterHeartbeat();
      if (pr.match < r.log.lastIndex()) sendAppend(r, m.from);
      acknowledgeReadHeartbeat(r, m);
      return;
    case 'snapStatus':
      if (pr.state !== 'snapshot') return;
      // On failure forget the snapshot so probing restarts from the match.
      if (m.reject) pr.pendingSnapshot = 0;
      pr.becomeProbe();
      // Wait for the member's reply (or a heartbeat) before sending again.
      pr.probeSent = true;
      return;
    case 'unreachable':
      // Pipelined appends were probably lost; probe one at a time until it answers.
      if (pr.state === 'replicate') pr.becomeProbe();
      return;
    case 'transferLeader':
      transferLeadership(r, m.from, pr);
      return;
    default:
      return;
  }
}

/** Steps down if a quorum of voters was not heard from during the last election timeout. */
function checkQuorum(r: Raft): void {
  const self = r.tracker.progress.get(r.id);
  if (self !== undefined) self.recentActive = true;
  if (!r.tracker.quorumActive()) {
    r.becomeFollower(r.term, NONE);
    return;
  }
  r.tracker.visit((id, pr) => {
    if (id === r.id) return;
    pr.activeLastPeriod = pr.recentActive;
    pr.recentActive = false;
  });
}

function propose(r: Raft, m: Message): void {
  if (m.entries.length === 0) return;
  if (!r.tracker.progress.has(r.id)) throw new ProposalDroppedError('notVoter');
  if (r.leadTransferee !== NONE) throw new ProposalDroppedError('transferInProgress');
  if (r.leavingIndex > r.log.applied) throw new ProposalDroppedError('notVoter');
  let confIndex = r.pendingConfIndex;
  let leavingIndex = 0;
  for (const [i, e] of m.entries.entries()) {
    if (e.type !== 'confChange') continue;
    if (confIndex > r.log.applied) throw new ProposalDroppedError('pendingConfChange');
    confIndex = r.log.lastIndex() + i + 1;
    if (removesMember(decodeConfChange(e.data), r.id)) leavingIndex = confIndex;
    // Nothing may follow a change that removes this leader (see findLeavingIndex).
    if (leavingIndex !== 0 && i < m.entries.length - 1) throw new ProposalDroppedError('notVoter');
  }
  if (!r.appendEntry(m.entries)) throw new ProposalDroppedError('uncommittedTooLarge');
  r.pendingConfIndex = confIndex;
  if (leavingIndex !== 0) r.leavingIndex = leavingIndex;
  bcastAppend(r);
}

function handleAppendRejection(r: Raft, m: Message, pr: Progress): void {
  let hint = m.rejectHint;
  // Skip back past every entry of a term the follower cannot have (fast log repair).
  if (m.logTerm > 0) hint = r.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
  if (!pr.maybeDecrTo(m.index, hint)) return;
  if (pr.state === 'replicate') pr.becomeProbe();
  sendAppend(r, m.from);
}

function handleAppendSuccess(r: Raft, m: Message, pr: Progress): void {
  const wasPaused = pr.isPaused();
  const updated = pr.maybeUpdate(m.index);
  if (!updated && !(pr.match === m.index && pr.state === 'probe')) return;
  if (pr.state === 'probe') {
    pr.becomeReplicate();
  } else if (pr.state === 'snapshot' && pr.match + 1 >= r.log.firstIndex()) {
    // The member caught up past the compaction point: plain appends reach it again.
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.state === 'replicate') {
    pr.inflights.freeLE(m.index);
  }
  if (r.maybeCommit()) {
    releasePendingReadIndexMessages(r);
    bcastAppend(r);
  } else if (wasPaused) {
    sendAppend(r, m.from);
  }
  // Drain what the window allows, so a large backlog streams without waiting for heartbeats.
  while (maybeSendAppend(r, m.from, false)) {
    /* keep sending */
  }
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) sendTimeoutNow(r, m.from);
}

/** Starts (or restarts) a transfer to `transferee`; learners and self are ignored. */
function transferLeadership(r: Raft, transferee: number, pr: Progress): void {
  if (pr.isLearner) return;
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) return;
    r.abortLeaderTransfer();
  }
  if (transferee === r.id) return;
  // The transfer must finish within an election timeout or it is abandoned.
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.log.lastIndex()) sendTimeoutNow(r, transferee);
  else sendAppend(r, transferee);
}
