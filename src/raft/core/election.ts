import { TRANSFER_CONTEXT } from './message.ts';
import type { Raft } from './raft.ts';
import type { VoteResult } from './quorum.ts';
import type { MessageType } from './types.ts';

/** How an election starts: a pre-vote round, a real election, or one forced by a leader transfer. */
export type CampaignKind = 'preElection' | 'election' | 'transfer';

/**
 * Starts an election if this member may: not already leader, a voter, and with no
 * committed conf change left to apply (the membership it would campaign in may be stale).
 */
export function hup(r: Raft, kind: CampaignKind): void {
  if (r.role === 'leader') return;
  if (!r.promotable()) return;
  if (r.hasUnappliedConfChanges()) return;
  campaign(r, kind);
}

/**
 * Becomes (pre-)candidate, votes for itself and asks every other voter. A pre-vote asks
 * about term + 1 without moving to it; a transfer campaign tags its requests so that
 * peers grant them despite their leader lease.
 */
export function campaign(r: Raft, kind: CampaignKind): void {
  let voteType: MessageType;
  let term: number;
  if (kind === 'preElection') {
    r.becomePreCandidate();
    voteType = 'preVote';
    term = r.term + 1;
  } else {
    r.becomeCandidate();
    voteType = 'vote';
    term = r.term;
  }
  if (poll(r, r.id, true) === 'won') {
    // A single-voter cluster wins on its own vote.
    if (kind === 'preElection') campaign(r, 'election');
    else r.becomeLeader();
    return;
  }
  const context = kind === 'transfer' ? TRANSFER_CONTEXT : undefined;
  for (const id of r.tracker.voterIds()) {
    if (id === r.id) continue;
    r.send({
      type: voteType,
      to: id,
      term,
      index: r.log.lastIndex(),
      logTerm: r.log.lastTerm(),
      context,
    });
  }
}

/** Records a vote for this member's candidacy and returns the tally's outcome. */
export function poll(r: Raft, from: number, granted: boolean): VoteResult {
  r.tracker.recordVote(from, granted);
  return r.tracker.tallyVotes().result;
}

/** The response type matching a vote request type. */
export function voteResponseType(type: 'vote' | 'preVote'): 'voteResp' | 'preVoteResp' {
  return type === 'vote' ? 'voteResp' : 'preVoteResp';
}
