import type { Filters } from '../../api/filters.ts';
import type {
  Node,
  NodeAvailability,
  NodeDescription,
  NodeRole,
  NodeSpec,
} from '../../api/objects/node.ts';
import { nodeMatcher } from '../../api/object-filters.ts';
import { resolveNode } from '../../api/resolve.ts';
import { validateNodeSpec } from '../../api/validate/node-spec.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import { nodes, removedNodes } from '../../store/tables.ts';
import { canRemoveMember } from '../membership/raft-view.ts';
import type { RaftView } from '../membership/raft-view.ts';
import { lastManager, nodeIsManager, nodeNotDown, quorumLoss } from './control-errors.ts';
import { activeMemberOf, withManagerStatus } from './manager-status.ts';

/** A node the CA admits (swarmkit creates it when it signs the node's first certificate). */
export interface RegisterNodeRequest {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly availability?: NodeAvailability;
  readonly description?: NodeDescription;
  /** The address the node was seen at (its host, no port). */
  readonly addr?: string;
}

/**
 * Creates the Node object of a node admitted to the cluster: desired and current role
 * `role`, membership accepted, state `unknown` until its first heartbeat. Throws
 * `STORE_EXISTS` for a known ID.
 */
export async function registerNode(
  store: MemoryStore,
  request: RegisterNodeRequest,
): Promise<void> {
  await store.update((tx) => {
    tx.create(nodes, {
      id: request.nodeId,
      Spec: { Labels: {}, Role: request.role, Availability: request.availability || 'active' },
      Description: request.description ?? {},
      Status: { State: 'unknown', ...(request.addr === undefined ? {} : { Addr: request.addr }) },
      Role: request.role,
      Membership: 'accepted',
    });
  });
}

/**
 * `GET /nodes`: the nodes the parsed `filters` match (see nodeMatcher), each with its
 * ManagerStatus from `raft` (see managerStatusOf). Throws `FILTER_INVALID` for bad values.
 */
export function listNodes(reader: StoreReader, filters: Filters, raft?: RaftView): Node[] {
  const matches = nodeMatcher(filters);
  return reader
    .all(nodes)
    .filter(matches)
    .map((node) => withManagerStatus(reader, node, raft));
}

/**
 * `GET /nodes/{ref}`: resolves an exact ID, then a hostname, then a unique ID prefix.
 * Throws `NODE_NOT_FOUND` (404) or `REFERENCE_AMBIGUOUS` (400).
 */
export function getNode(reader: StoreReader, ref: string, raft?: RaftView): Node {
  return withManagerStatus(reader, resolveNode(ref, reader.all(nodes)), raft);
}

/**
 * `POST /nodes/{ref}/update?version=`: replaces the node's spec whole. A role change only
 * records the desired role; the membership reconciler carries it out. Demoting is refused
 * for the last manager (`NODE_LAST_MANAGER`) and, given a Raft view, when the remaining
 * reachable managers would lose their majority (`NODE_QUORUM_LOSS`). Also throws
 * `SPEC_INVALID`, `NODE_NOT_FOUND`, `REFERENCE_AMBIGUOUS`, `STORE_SEQUENCE_CONFLICT`.
 */
export async function updateNode(
  store: MemoryStore,
  ref: string,
  version: number,
  spec: NodeSpec,
  raft?: RaftView,
): Promise<void> {
  const problem = validateNodeSpec(spec);
  if (problem) throw problem;
  await store.update((tx) => {
    const node = resolveNode(ref, tx.all(nodes));
    if (node.Spec.Role === 'manager' && spec.Role === 'worker') {
      const managers = tx.find(nodes, { index: 'desiredRole', value: 'manager' });
      if (managers.length === 1 && managers[0]?.id === node.id) throw lastManager();
      const member = activeMemberOf(tx, node.id);
      if (member && raft && !canRemoveMember(raft, member.RaftID)) throw quorumLoss();
    }
    tx.update(nodes, { ...node, meta: { ...node.meta, version }, Spec: spec });
  });
}

/**
 * `DELETE /nodes/{ref}?force=`: deletes the node and records its ID as removed, so its
 * certificate is refused from then on ({@link isRemoved}). Refuses a node that is still a
 * Raft member (`NODE_IS_MANAGER`: demote it first) and, without `force`, a node that is
 * ready (`NODE_NOT_DOWN`), as Swarm does.
 */
export async function removeNode(store: MemoryStore, ref: string, force: boolean): Promise<string> {
  let removed = '';
  await store.update((tx) => {
    const node = resolveNode(ref, tx.all(nodes));
    if (activeMemberOf(tx, node.id)) throw nodeIsManager(node.id);
    if (!force && node.Status.State === 'ready') throw nodeNotDown(node.id);
    tx.delete(nodes, node.id);
    if (!tx.get(removedNodes, node.id)) tx.create(removedNodes, { id: node.id, RemovedAt: tx.at });
    removed = node.id;
  });
  return removed;
}

/** Whether `nodeId` was removed from the cluster (its certificate must be refused). */
export function isRemoved(reader: StoreReader, nodeId: string): boolean {
  return reader.get(removedNodes, nodeId) !== undefined;
}
