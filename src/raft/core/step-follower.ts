import { hup } from './election.ts';
import { restoreMembership } from './membership.ts';
import type { Raft } from './raft.ts';
import { NONE, ProposalDroppedError } from './types.ts';
import type { Message } from './types.ts';

/**
 * A follower's handling of a message at its current term: it forwards proposals,
 * transfer requests and reads to the leader, accepts the leader's appends, heartbeats and
 * snapshots (restarting its election timer), and campaigns at once on `timeoutNow`.
 * Throws {@link ProposalDroppedError} for a proposal it cannot forward.
 */
export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'prop':
      if (r.lead === NONE) throw new ProposalDroppedError('noLeader');
      if (r.opts.disableProposalForwarding) throw new ProposalDroppedError('stoppedForwarding');
      r.send({ ...m, to: r.lead });
      return;
    case 'app':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return;
    case 'snap':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return;
    case 'transferLeader':
    case 'readIndex':
      // Without a known leader the request is dropped; the caller retries on timeout.
      if (r.lead !== NONE) r.send({ ...m, to: r.lead, term: 0 });
      return;
    case 'timeoutNow':
      hup(r, 'transfer');
      return;
    case 'readIndexResp':
      r.readStates.push({ index: m.index, requestCtx: m.context ?? new Uint8Array(0) });
      return;
    default:
      return;
  }
}

/**
 * Appends the leader's entries if the log matches at (`m.index`, `m.logTerm`). On a
 * mismatch the rejection carries a hint: the highest index at or below the probe whose
 * term is at most the probe's term, and that term, so the leader can skip a whole term.
 */
export function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.log.committed) {
    // Everything up to our commit already matches the leader; say so.
    r.send({ type: 'appResp', to: m.from, index: r.log.committed });
    return;
  }
  const lastNew = r.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send({ type: 'appResp', to: m.from, index: lastNew });
    return;
  }
  const hint = r.log.findConflictByTerm(Math.min(m.index, r.log.lastIndex()), m.logTerm);
  r.send({
    type: 'appResp',
    to: m.from,
    index: m.index,
    reject: true,
    rejectHint: hint.index,
    logTerm: hint.term,
  });
}

/** Learns the commit index (capped by the leader at our match) and echoes the context. */
export function handleHeartbeat(r: Raft, m: Message): void {
  r.log.commitTo(m.commit);
  r.send({ type: 'heartbeatResp', to: m.from, context: m.context });
}

/** Installs the leader's snapshot if it is news, and reports the resulting last index. */
export function handleSnapshot(r: Raft, m: Message): void {
  const snap = m.snapshot;
  if (snap === undefined) return;
  if (restore(r, m)) {
    r.send({ type: 'appResp', to: m.from, index: r.log.lastIndex() });
  } else {
    r.send({ type: 'appResp', to: m.from, index: r.log.committed });
  }
}

/**
 * Returns true when the snapshot replaced the log. A snapshot at or below our commit is
 * old news; one whose last entry we already hold only moves commit forward.
 */
function restore(r: Raft, m: Message): boolean {
  const snap = m.snapshot;
  if (snap === undefined || snap.metadata.index <= r.log.committed) return false;
  if (r.log.matchTerm(snap.metadata.index, snap.metadata.term)) {
    r.log.commitTo(snap.metadata.index);
    return false;
  }
  r.log.restore(snap);
  restoreMembership(r, snap);
  return true;
}
