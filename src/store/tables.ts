import type { Cluster } from '../api/objects/cluster.ts';
import type { Config } from '../api/objects/config.ts';
import type { Network } from '../api/objects/network.ts';
import type { Node } from '../api/objects/node.ts';
import type { Secret } from '../api/objects/secret.ts';
import type { Service } from '../api/objects/service.ts';
import { serviceModeName } from '../api/objects/service-spec.ts';
import type { Task } from '../api/objects/task.ts';
import type { StoreObject } from './store-object.ts';
import type { TableSpec } from './table-spec.ts';
import { defineTable } from './table-spec.ts';

/** The label keys of a labels map, each both as `k` and `k=v`, for label indexes. */
function labelKeys(labels: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(labels ?? {}).flatMap(([k, v]) => [k, `${k}=${v}`]);
}

/**
 * The cluster object as the managers keep it: the API's {@link Cluster} plus manager-only
 * state that never leaves the managers (the Engine mappers whitelist fields, so it cannot
 * leak into responses).
 */
export interface ClusterRecord extends Cluster {
  /** The autolock unlock key (`SWMKEY-1-...`); present only while autolock is on. */
  readonly UnlockKey?: string;
}

/** One Raft member ever admitted: raft ID ↔ node ID ↔ address. Kept after removal. */
export interface RaftMember extends StoreObject {
  /** The raft ID in decimal (the store's key); never reused, even after removal. */
  readonly id: string;
  readonly RaftID: number;
  readonly NodeID: string;
  /** `host:port` other managers reach this member at. */
  readonly Addr: string;
  /** Set once the member was removed from the Raft configuration; its ID stays taken. */
  readonly Removed?: boolean;
}

/**
 * A node removed from the cluster (swarmkit's certificate blacklist): its ID keys the record,
 * and a peer presenting a certificate for it is refused from then on.
 */
export interface RemovedNode extends StoreObject {
  /** ISO-8601 time of the removal. */
  readonly RemovedAt: string;
}

/** The one cluster object; its name ("default") is unique. */
export const clusters = defineTable<ClusterRecord>({
  name: 'clusters',
  kind: 'cluster',
  uniqueName: (c) => c.Spec.Name,
});

/**
 * Nodes; hostnames may repeat, so no unique name. Indexes: `role` (current role),
 * `desiredRole` (`Spec.Role`), `membership`, `state` (`Status.State`).
 */
export const nodes = defineTable<Node>({
  name: 'nodes',
  kind: 'node',
  indexes: {
    role: (n) => n.Role,
    desiredRole: (n) => n.Spec.Role ?? [],
    membership: (n) => n.Membership,
    state: (n) => n.Status.State,
  },
});

/** Services, unique by name (case-insensitive). Indexes: `label` (`k` and `k=v`), `mode`. */
export const services = defineTable<Service>({
  name: 'services',
  kind: 'service',
  uniqueName: (s) => s.Spec.Name,
  indexes: {
    label: (s) => labelKeys(s.Spec.Labels),
    mode: (s) => serviceModeName(s.Spec.Mode),
  },
});

/** The `serviceSlot` index key of a service's slot. */
export function serviceSlotKey(serviceId: string, slot: number): string {
  return `${serviceId}/${slot}`;
}

/** The `serviceNode` index key of a service's tasks on one node (global services' "slot"). */
export function serviceNodeKey(serviceId: string, nodeId: string): string {
  return `${serviceId}@${nodeId}`;
}

/**
 * Tasks. Indexes: `service`, `node` (assigned tasks only), `desiredState`, `state`
 * (observed), `serviceSlot` ({@link serviceSlotKey}), `serviceNode` ({@link serviceNodeKey},
 * assigned tasks only).
 */
export const tasks = defineTable<Task>({
  name: 'tasks',
  kind: 'task',
  indexes: {
    service: (t) => t.ServiceID,
    node: (t) => t.NodeID ?? [],
    desiredState: (t) => t.DesiredState,
    state: (t) => t.Status.State,
    serviceSlot: (t) => serviceSlotKey(t.ServiceID, t.Slot),
    serviceNode: (t) => (t.NodeID ? serviceNodeKey(t.ServiceID, t.NodeID) : []),
  },
});

/** Networks, unique by name. Index: `label`. */
export const networks = defineTable<Network>({
  name: 'networks',
  kind: 'network',
  uniqueName: (n) => n.Spec.Name,
  indexes: { label: (n) => labelKeys(n.Spec.Labels) },
});

/** Secrets, unique by name. Index: `label`. */
export const secrets = defineTable<Secret>({
  name: 'secrets',
  kind: 'secret',
  uniqueName: (s) => s.Spec.Name,
  indexes: { label: (s) => labelKeys(s.Spec.Labels) },
});

/** Configs, unique by name. Index: `label`. */
export const configs = defineTable<Config>({
  name: 'configs',
  kind: 'config',
  uniqueName: (c) => c.Spec.Name,
  indexes: { label: (c) => labelKeys(c.Spec.Labels) },
});

/** Raft members by raft ID. Index: `node` (node ID, members not removed only). */
export const raftMembers = defineTable<RaftMember>({
  name: 'raftMembers',
  kind: 'raft member',
  indexes: { node: (m) => (m.Removed ? [] : m.NodeID) },
});

/** Removed node IDs (never deleted). */
export const removedNodes = defineTable<RemovedNode>({
  name: 'removedNodes',
  kind: 'removed node',
});

/** Every table of the cluster store, in a fixed order: give this list to every replica. */
export const clusterTables: readonly TableSpec<StoreObject>[] = [
  clusters,
  nodes,
  services,
  tasks,
  networks,
  secrets,
  configs,
  raftMembers,
  removedNodes,
];
