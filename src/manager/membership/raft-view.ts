import type { ConfState, NodeId } from '../../raft/core/types.ts';

/**
 * What the control API and the membership reconciler read of the local Raft node, kept
 * narrow so tests can stand in a plain object for a `RaftNode`.
 */
export interface RaftView {
  /** This manager's raft ID. */
  readonly selfId: NodeId;
  /** The leader as this manager knows it (0 when none). */
  leader(): NodeId;
  /** The applied membership. */
  confState(): ConfState;
  /**
   * Whether member `id` answered recently. Exact on the leader (Raft progress
   * `active`); elsewhere only this manager and the leader count as reachable.
   */
  reachable(id: NodeId): boolean;
}

/**
 * Swarm's quorum guard for removing (or demoting) voter `id`: the voters left after the
 * removal that are reachable (this manager always is) must still form a majority of the
 * current voters minus one. A non-voter can always be removed. Pure.
 */
export function canRemoveMember(view: RaftView, id: NodeId): boolean {
  const voters = view.confState().voters;
  if (!voters.includes(id)) return true;
  let reachable = 0;
  for (const voter of voters) {
    if (voter === id) continue;
    if (voter === view.selfId || view.reachable(voter)) reachable++;
  }
  const quorum = Math.floor((voters.length - 1) / 2) + 1;
  return reachable >= quorum;
}
