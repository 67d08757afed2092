import { campaign, poll } from './election.ts';
import type { Raft } from './raft.ts';
import { bcastAppend } from './replication.ts';
import { handleAppendEntries, handleHeartbeat, handleSnapshot } from './step-follower.ts';
import { NONE, ProposalDroppedError } from './types.ts';
import type { Message } from './types.ts';

/**
 * A candidate's or pre-candidate's handling of a message at its current term. A leader's
 * traffic at this term means the election is lost: follow that leader. Votes of the kind
 * this member asked for are tallied: a won pre-vote starts the real election, a won
 * election takes the lead, a lost one returns to follower. Throws
 * {@link ProposalDroppedError} for proposals (there is no leader to forward them to).
 */
export function stepCandidate(r: Raft, m: Message): void {
  const myResponse = r.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
  switch (m.type) {
    case 'prop':
      throw new ProposalDroppedError('noLeader');
    case 'app':
      r.becomeFollower(m.term, m.from);
      handleAppendEntries(r, m);
      return;
    case 'heartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return;
    case 'snap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return;
    case 'preVoteResp':
    case 'voteResp': {
      if (m.type !== myResponse) return;
      const result = poll(r, m.from, !m.reject);
      if (result === 'won') {
        if (r.role === 'preCandidate') {
          campaign(r, 'election');
        } else {
          r.becomeLeader();
          bcastAppend(r);
        }
      } else if (result === 'lost') {
        // A pre-candidate keeps its term; a candidate stays at the term it raised.
        r.becomeFollower(r.term, NONE);
      }
      return;
    }
    default:
      return;
  }
}
