import { hup, voteResponseType } from './election.ts';
import { sameBytes, TRANSFER_CONTEXT } from './message.ts';
import type { Raft } from './raft.ts';
import { stepCandidate } from './step-candidate.ts';
import { stepFollower } from './step-follower.ts';
import { stepLeader } from './step-leader.ts';
import { NONE } from './types.ts';
import type { Message } from './types.ts';

/**
 * Handles one message (etcd's `Step`): first reconciles terms, then handles what every
 * role treats alike (`hup`, vote requests), then hands the rest to the role's step
 * function. Messages with term 0 are local (or forwarded proposals and reads). Throws
 * ProposalDroppedError when a proposal is refused.
 */
export function stepRaft(r: Raft, m: Message): void {
  if (m.term > r.term) {
    if (!acceptHigherTerm(r, m)) return;
  } else if (m.term !== 0 && m.term < r.term) {
    answerStaleTerm(r, m);
    return;
  }
  switch (m.type) {
    case 'hup':
      hup(r, r.opts.preVote ? 'preElection' : 'election');
      return;
    case 'vote':
    case 'preVote':
      handleVoteRequest(r, m);
      return;
    default:
      break;
  }
  switch (r.role) {
    case 'leader':
      stepLeader(r, m);
      return;
    case 'candidate':
    case 'preCandidate':
      stepCandidate(r, m);
      return;
    case 'follower':
      stepFollower(r, m);
      return;
  }
}

/**
 * A message from a higher term. Vote requests are ignored while this member believes a
 * leader is alive (the lease), unless they belong to a leader transfer: this keeps a
 * partitioned member from deposing a healthy leader when it comes back. Otherwise the
 * member moves to the new term, except for pre-vote traffic, which never changes terms.
 * Returns false when the message is to be ignored.
 */
function acceptHigherTerm(r: Raft, m: Message): boolean {
  if (m.type === 'vote' || m.type === 'preVote') {
    const force = sameBytes(m.context, TRANSFER_CONTEXT);
    const leaseApplies = r.opts.checkQuorum || m.type === 'preVote';
    const inLease = leaseApplies && r.lead !== NONE && r.electionElapsed < r.opts.electionTick;
    if (!force && inLease) return false;
  }
  if (m.type === 'preVote') return true;
  // A granted pre-vote reply names the term we would campaign at; we move there only if we win.
  if (m.type === 'preVoteResp' && !m.reject) return true;
  const fromLeader = m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap';
  r.becomeFollower(m.term, fromLeader ? m.from : NONE);
  return true;
}

/**
 * A message from a lower term. A stale leader's appends and heartbeats are answered with
 * our term so that it steps down (with check-quorum or pre-vote it might otherwise never
 * hear a higher term); a stale vote or pre-vote is rejected with our term so the candidate
 * learns it (the paper's RequestVote rule). Without that, a candidate whose term fell behind
 * one voter's never hears that term and the cluster can livelock (simulator seed 4030,
 * 3 nodes, pre-vote off). Everything else is dropped.
 */
function answerStaleTerm(r: Raft, m: Message): void {
  if ((r.opts.checkQuorum || r.opts.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
    r.send({ type: 'appResp', to: m.from });
  } else if (m.type === 'vote' || m.type === 'preVote') {
    r.send({ type: voteResponseType(m.type), to: m.from, term: r.term, reject: true });
  }
}

/**
 * Grants a vote to a candidate whose log is at least as up to date as ours, if we have not
 * voted for someone else in this term (and know no leader). A pre-vote for a later term
 * is granted on the log alone; it binds nothing.
 */
function handleVoteRequest(r: Raft, m: Message): void {
  const type = m.type === 'vote' ? 'vote' : 'preVote';
  const canVote =
    r.vote === m.from ||
    (r.vote === NONE && r.lead === NONE) ||
    (type === 'preVote' && m.term > r.term);
  if (canVote && r.log.isUpToDate(m.index, m.logTerm)) {
    r.send({ type: voteResponseType(type), to: m.from, term: m.term });
    if (type === 'vote') {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
    return;
  }
  r.send({ type: voteResponseType(type), to: m.from, term: r.term, reject: true });
}
