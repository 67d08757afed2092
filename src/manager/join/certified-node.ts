import type { Node } from '../../api/objects/node.ts';
import { notFoundError } from '../../api/resolve.ts';
import type { NodeId } from '../../raft/core/types.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { nodes } from '../../store/tables.ts';
import { caError } from '../ca/ca-errors.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import { isRemoved } from '../controlapi/nodes.ts';
import type { Caller } from '../rpc/rpc-caller.ts';

/** The leader's view a certificate method checks its caller against. */
export interface CertifiedNodeHost {
  readonly store: MemoryStore;
  readonly raftView: { leader(): NodeId };
  isLeader(): boolean;
}

/**
 * The stored node of a caller that presented a node certificate, on the leader. Throws
 * `CA_PEER_UNAUTHENTICATED` for an anonymous caller, `MANAGER_NOT_LEADER` off the leader,
 * `CA_NODE_REMOVED` for a removed node and `NODE_NOT_FOUND` for an unknown one.
 */
export function certifiedNode(host: CertifiedNodeHost, caller: Caller): Node {
  if (caller.anonymous) {
    throw caError('CA_PEER_UNAUTHENTICATED', 'Permission denied: a node certificate is needed');
  }
  if (!host.isLeader()) throw notLeader(host.raftView.leader());
  if (isRemoved(host.store, caller.nodeId)) {
    throw caError('CA_NODE_REMOVED', `Permission denied: node ${caller.nodeId} was removed`);
  }
  const node = host.store.get(nodes, caller.nodeId);
  if (!node) throw notFoundError('node', caller.nodeId);
  return node;
}
