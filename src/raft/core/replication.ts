import { InvariantError } from '../../base/errors.ts';
import type { Raft } from './raft.ts';
import { CompactedError, SnapshotUnavailableError } from './types.ts';
import type { Entry, NodeId } from './types.ts';

/**
 * Sends `to` the next batch of entries (bounded by maxSizePerMsg), or an empty append when
 * `sendIfEmpty` and there is nothing new (to carry the commit index). Falls back to a
 * snapshot when the entries it needs were compacted. Returns true if a message was sent.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.tracker.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  if (prevIndex > r.log.lastIndex()) {
    throw new InvariantError(
      'next-within-log',
      `next ${pr.next} for ${to} is past last index ${r.log.lastIndex()}`,
    );
  }
  const prevTerm = r.log.term(prevIndex);
  if (prevTerm === undefined) return maybeSendSnapshot(r, to);
  let entries: Entry[];
  try {
    entries = r.log.entries(pr.next, r.opts.maxSizePerMsg);
  } catch (err) {
    if (err instanceof CompactedError) return maybeSendSnapshot(r, to);
    throw err;
  }
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({
    type: 'app',
    to,
    index: prevIndex,
    logTerm: prevTerm,
    entries,
    commit: r.log.committed,
  });
  const last = entries[entries.length - 1];
  pr.sentEntries(entries.length, last === undefined ? prevIndex : last.index);
  return true;
}

/** {@link maybeSendAppend} that always sends, even without new entries. */
export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/**
 * Sends the storage snapshot to `to` and moves its progress to `snapshot`. Only done for a
 * member heard from recently: a snapshot to a dead member is wasted work. Returns false
 * when nothing was sent (inactive member, or snapshot still being produced).
 */
function maybeSendSnapshot(r: Raft, to: NodeId): boolean {
  const pr = r.tracker.progress.get(to);
  if (pr === undefined || !pr.recentActive) return false;
  let snapshot;
  try {
    snapshot = r.log.snapshot();
  } catch (err) {
    if (err instanceof SnapshotUnavailableError) return false;
    throw err;
  }
  if (snapshot.metadata.index === 0) {
    throw new InvariantError(
      'snapshot-covers-compacted-log',
      `no snapshot although entries for ${to} are compacted`,
    );
  }
  pr.becomeSnapshot(snapshot.metadata.index);
  r.send({ type: 'snap', to, snapshot });
  return true;
}

/** Sends appends (empty if need be, to carry commit) to every other member. */
export function bcastAppend(r: Raft): void {
  r.tracker.visit((id) => {
    if (id !== r.id) sendAppend(r, id);
  });
}

/**
 * Sends a heartbeat to `to`. The commit it carries is capped at the member's match so a
 * follower never learns a commit index beyond entries it is known to hold.
 */
export function sendHeartbeat(r: Raft, to: NodeId, context: Uint8Array | undefined): void {
  const match = r.tracker.progress.get(to)?.match ?? 0;
  r.send({ type: 'heartbeat', to, commit: Math.min(match, r.log.committed), context });
}

/** Heartbeats every other member; `context` (a ReadIndex tag) rides along when given. */
export function bcastHeartbeat(
  r: Raft,
  context: Uint8Array | undefined = r.readOnly.lastPendingContext(),
): void {
  r.tracker.visit((id) => {
    if (id !== r.id) sendHeartbeat(r, id, context);
  });
}

/** Tells the transferee to campaign at once. */
export function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send({ type: 'timeoutNow', to });
}
