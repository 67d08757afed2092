import type { EngineEnvelope, Labels, Platform, Resources, StoredObject } from './common.ts';
import type { TLSInfo } from './common.ts';
import { pickDefined, toEngineEnvelope } from './envelope.ts';

/** Node roles. */
export const NODE_ROLES = ['worker', 'manager'] as const;
/** A node's role. */
export type NodeRole = (typeof NODE_ROLES)[number];

/** `active` takes tasks; `pause` keeps its tasks but takes no new ones; `drain` moves them away. */
export const NODE_AVAILABILITIES = ['active', 'pause', 'drain'] as const;
/** A node's availability. */
export type NodeAvailability = (typeof NODE_AVAILABILITIES)[number];

/** Whether a node's certificate has been issued (`accepted`) or is still awaited. */
export const NODE_MEMBERSHIPS = ['pending', 'accepted'] as const;
/** A node's membership. */
export type NodeMembership = (typeof NODE_MEMBERSHIPS)[number];

/** Node liveness as the dispatcher sees it. */
export const NODE_STATES = ['unknown', 'down', 'ready', 'disconnected'] as const;
/** A node's state. */
export type NodeState = (typeof NODE_STATES)[number];

/** Whether the other managers can reach a manager. */
export const REACHABILITIES = ['unknown', 'unreachable', 'reachable'] as const;
/** A manager's reachability. */
export type Reachability = (typeof REACHABILITIES)[number];

/** What users may change on a node; updates replace it whole. */
export interface NodeSpec {
  readonly Name?: string;
  readonly Labels?: Labels;
  /** The desired role; the node's actual role follows once the role change completes. */
  readonly Role?: NodeRole;
  readonly Availability?: NodeAvailability;
}

/** A plugin the node's engine offers (`Network`/`overlay`, `Log`/`json-file`...). */
export interface PluginDescription {
  readonly Type: string;
  readonly Name: string;
}

/** The node's engine (executor) and its labels. */
export interface EngineDescription {
  readonly EngineVersion?: string;
  readonly Labels?: Labels;
  readonly Plugins?: readonly PluginDescription[];
}

/** What the node's agent reports about itself. */
export interface NodeDescription {
  readonly Hostname?: string;
  readonly Platform?: Platform;
  readonly Resources?: Resources;
  readonly Engine?: EngineDescription;
  readonly TLSInfo?: TLSInfo;
}

/** Liveness, with the address the managers see the node at. */
export interface NodeStatus {
  readonly State: NodeState;
  readonly Message?: string;
  readonly Addr?: string;
}

/** Raft standing of a manager node. */
export interface ManagerStatus {
  readonly Leader?: boolean;
  readonly Reachability: Reachability;
  /** `ip:port` of the manager's cluster listener. */
  readonly Addr: string;
}

/** Fields a node has both in the store and in the Engine API. */
export interface NodeFields {
  readonly Spec: NodeSpec;
  readonly Description?: NodeDescription;
  readonly Status: NodeStatus;
  /** Present for managers only. */
  readonly ManagerStatus?: ManagerStatus;
}

/** A node as the store holds it. */
export interface Node extends StoredObject, NodeFields {
  /** The role the node holds now (swarmkit's `Node.Role`); the `role` filter matches it. */
  readonly Role: NodeRole;
  /** Whether the node's certificate was issued; the `membership` filter matches it. */
  readonly Membership: NodeMembership;
}

/** A node as `GET /nodes` returns it. */
export interface EngineNode extends EngineEnvelope, NodeFields {
  readonly Description: NodeDescription;
}

/** The Engine-API form of a stored node; internal fields are dropped. Pure. */
export function toEngineNode(node: Node): EngineNode {
  return {
    ...toEngineEnvelope(node),
    Spec: node.Spec,
    Description: node.Description ?? {},
    Status: node.Status,
    ...pickDefined(node, ['ManagerStatus']),
  };
}
