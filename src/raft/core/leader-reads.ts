import { voteResult } from './quorum.ts';
import type { Raft } from './raft.ts';
import { bcastHeartbeat } from './replication.ts';
import { NONE } from './types.ts';
import type { Message } from './types.ts';

/**
 * A leader's handling of a ReadIndex request. The read point is the commit index, which is
 * only trustworthy once this leader committed an entry of its own term; earlier requests
 * wait for that. In `safe` mode the leader then confirms it is still leader with a
 * heartbeat round carrying the request's context; in `leaseBased` mode it trusts its
 * check-quorum lease and answers at once.
 */
export function handleReadIndex(r: Raft, m: Message): void {
  if (r.tracker.isSingleton() && r.tracker.voters.has(r.id)) {
    respondToRead(r, m, r.log.committed);
    return;
  }
  if (!r.committedEntryInCurrentTerm()) {
    r.pendingReadIndexMessages.push(m);
    return;
  }
  confirmRead(r, m);
}

/** Serves the reads deferred until this leader's first commit in its term. */
export function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !r.committedEntryInCurrentTerm()) return;
  const pending = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of pending) confirmRead(r, m);
}

/**
 * Counts a heartbeat reply towards the read it tags; once a quorum of voters acknowledged,
 * answers that read and every read queued before it.
 */
export function acknowledgeReadHeartbeat(r: Raft, m: Message): void {
  if (r.readOnly.option !== 'safe' || m.context === undefined || m.context.byteLength === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === undefined || voteResult(r.tracker.voters, acks) !== 'won') return;
  for (const read of r.readOnly.advance(m.context)) respondToRead(r, read.req, read.index);
}

function confirmRead(r: Raft, m: Message): void {
  if (r.readOnly.option === 'leaseBased') {
    respondToRead(r, m, r.log.committed);
    return;
  }
  const context = m.context ?? new Uint8Array(0);
  r.readOnly.addRequest(r.log.committed, m);
  r.readOnly.recvAck(r.id, context);
  bcastHeartbeat(r, context);
}

/** A local read becomes a ReadState; a forwarded one is answered to its follower. */
function respondToRead(r: Raft, req: Message, index: number): void {
  const requestCtx = req.context ?? new Uint8Array(0);
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index, requestCtx });
    return;
  }
  r.send({ type: 'readIndexResp', to: req.from, index, context: requestCtx });
}
