import type { NodeId } from '../raft/core/types.ts';
import type { RaftNode } from '../raft/node.ts';
import type { RaftView } from './membership/raft-view.ts';

/**
 * The {@link RaftView} of a running `RaftNode`: reachability comes from the leader's
 * progress (`active`: heard from within the last one or two election timeouts, so a
 * check-quorum reset does not make every follower look unreachable for a tick); on a
 * follower, only itself and the leader count as reachable.
 */
export function raftViewOf(node: RaftNode, selfId: NodeId): RaftView {
  return {
    selfId,
    leader: () => node.leader(),
    confState: () => node.status().confState,
    reachable: (id) => {
      if (id === selfId) return true;
      const progress = node.status().progress;
      if (progress) return progress.get(id)?.active === true;
      return id === node.leader();
    },
  };
}
