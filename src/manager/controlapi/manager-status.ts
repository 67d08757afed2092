import type { ManagerStatus, Node } from '../../api/objects/node.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import type { RaftMember } from '../../store/tables.ts';
import { raftMembers } from '../../store/tables.ts';
import type { RaftView } from '../membership/raft-view.ts';

/** The Raft member of node `nodeId` that has not been removed, if any. */
export function activeMemberOf(reader: StoreReader, nodeId: string): RaftMember | undefined {
  return reader.find(raftMembers, { index: 'node', value: nodeId })[0];
}

/**
 * A node's `ManagerStatus` as the API shows it, computed at read time as Swarm does: present
 * only for nodes with a live Raft member; `Leader` true on the leader's node; `Reachability`
 * from the Raft view (this manager is always reachable). Without a view, the stored value.
 */
export function managerStatusOf(
  reader: StoreReader,
  node: Node,
  raft: RaftView | undefined,
): ManagerStatus | undefined {
  if (!raft) return node.ManagerStatus;
  const member = activeMemberOf(reader, node.id);
  if (!member) return undefined;
  const reachable = member.RaftID === raft.selfId || raft.reachable(member.RaftID);
  return {
    ...(raft.leader() === member.RaftID ? { Leader: true } : {}),
    Reachability: reachable ? 'reachable' : 'unreachable',
    Addr: member.Addr,
  };
}

/** `node` with its {@link managerStatusOf} in place of the stored one. */
export function withManagerStatus(
  reader: StoreReader,
  node: Node,
  raft: RaftView | undefined,
): Node {
  const { ManagerStatus: _stored, ...rest } = node;
  const status = managerStatusOf(reader, node, raft);
  return status === undefined ? rest : { ...rest, ManagerStatus: status };
}
