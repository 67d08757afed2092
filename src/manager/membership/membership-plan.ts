import type { Node, NodeRole } from '../../api/objects/node.ts';
import type { ConfState, NodeId, ProgressStatus } from '../../raft/core/types.ts';
import type { RaftMember } from '../../store/tables.ts';
import { canRemoveMember } from './raft-view.ts';

/** One step toward the desired manager set; the loop applies one at a time. */
export type MembershipAction =
  /** Admit a recorded member to Raft as a learner (it receives the log, does not vote). */
  | { readonly kind: 'addLearner'; readonly raftId: NodeId; readonly addr: string }
  /** Make a caught-up learner a voter. */
  | { readonly kind: 'promoteVoter'; readonly raftId: NodeId }
  /** The leader itself must go: hand leadership over first. */
  | { readonly kind: 'transferLeadership'; readonly to: NodeId }
  /** Remove a member whose node is no longer a desired manager, and mark its record removed. */
  | { readonly kind: 'removeMember'; readonly raftId: NodeId; readonly inConfig: boolean }
  /** Record a node's current role once Raft agrees with its desired role. */
  | { readonly kind: 'setRole'; readonly nodeId: string; readonly role: NodeRole };

/** What the plan reads: the store's nodes and members, and the leader's Raft status. */
export interface MembershipState {
  readonly nodes: readonly Pick<Node, 'id' | 'Spec' | 'Role'>[];
  /** Raft member records not yet removed. */
  readonly members: readonly Pick<RaftMember, 'RaftID' | 'NodeID' | 'Addr'>[];
  readonly confState: ConfState;
  /** This manager, the leader. */
  readonly leader: NodeId;
  /** The leader's last log index. */
  readonly lastIndex: number;
  /** Replication progress of every member, from the leader's status. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}

/** Policy of the plan. */
export interface MembershipPolicy {
  /** A learner within this many entries of the leader's last index is promoted. */
  readonly catchUpEntries: number;
}

function inConfig(conf: ConfState, id: NodeId): boolean {
  return conf.voters.includes(id) || conf.learners.includes(id);
}

/** The active voter most worth leading: recently active, furthest replicated. */
function transferTarget(state: MembershipState, leaving: NodeId): NodeId | undefined {
  let best: NodeId | undefined;
  let bestMatch = -1;
  for (const id of state.confState.voters) {
    const progress = state.progress.get(id);
    if (id === leaving || !progress?.active) continue;
    if (progress.match > bestMatch) {
      best = id;
      bestMatch = progress.match;
    }
  }
  return best;
}

function removal(
  state: MembershipState,
  desired: ReadonlySet<string>,
): MembershipAction | undefined {
  const view = {
    selfId: state.leader,
    leader: () => state.leader,
    confState: () => state.confState,
    reachable: (id: NodeId) => state.progress.get(id)?.active === true,
  };
  for (const member of state.members) {
    if (desired.has(member.NodeID)) continue;
    const id = member.RaftID;
    if (!inConfig(state.confState, id))
      return { kind: 'removeMember', raftId: id, inConfig: false };
    if (id === state.leader) {
      const to = transferTarget(state, id);
      if (to !== undefined) return { kind: 'transferLeadership', to };
      continue;
    }
    // Like Swarm's role manager: never remove a voter when the rest could not keep a majority.
    if (canRemoveMember(view, id)) return { kind: 'removeMember', raftId: id, inConfig: true };
  }
  return undefined;
}

function admission(
  state: MembershipState,
  desired: ReadonlySet<string>,
  policy: MembershipPolicy,
): MembershipAction | undefined {
  for (const member of state.members) {
    if (!desired.has(member.NodeID) || inConfig(state.confState, member.RaftID)) continue;
    return { kind: 'addLearner', raftId: member.RaftID, addr: member.Addr };
  }
  for (const id of state.confState.learners) {
    const progress = state.progress.get(id);
    const member = state.members.find((m) => m.RaftID === id);
    // A learner that has not answered yet (match 0) is not caught up, however short the log.
    const caughtUp =
      progress !== undefined &&
      progress.active &&
      progress.match > 0 &&
      progress.match >= state.lastIndex - policy.catchUpEntries;
    if (member && desired.has(member.NodeID) && caughtUp) {
      return { kind: 'promoteVoter', raftId: id };
    }
  }
  return undefined;
}

function roleFix(state: MembershipState): MembershipAction | undefined {
  const inRaft = new Set(state.members.map((m) => m.NodeID));
  for (const node of state.nodes) {
    const desired = node.Spec.Role ?? node.Role;
    if (desired === node.Role) continue;
    // A promoted node becomes a manager at once (it then joins through addManager); a demoted
    // one stays a manager until Raft has let it go.
    if (desired === 'manager' || !inRaft.has(node.id)) {
      return { kind: 'setRole', nodeId: node.id, role: desired };
    }
  }
  return undefined;
}

/**
 * The next membership step, or `undefined` when the Raft configuration matches the desired
 * managers (the nodes whose `Spec.Role` is manager). In order of priority: remove members
 * of demoted or deleted nodes (leader last, after a leadership transfer; never below a
 * reachable majority); add recorded members as learners; promote learners that answer and are within
 * `catchUpEntries` of the leader's last index; bring `Node.Role` in line with the desired
 * role. Pure: one action per call, since Raft applies one configuration change at a time.
 */
export function planMembership(
  state: MembershipState,
  policy: MembershipPolicy,
): MembershipAction | undefined {
  const desired = new Set(
    state.nodes.filter((n) => (n.Spec.Role ?? n.Role) === 'manager').map((n) => n.id),
  );
  return removal(state, desired) ?? admission(state, desired, policy) ?? roleFix(state);
}
