import type { Filters } from '../api/filters.ts';
import type { EngineSwarm, SwarmSpec } from '../api/objects/cluster.ts';
import type { EngineNode, NodeAvailability, NodeSpec } from '../api/objects/node.ts';

/** The body of `POST /swarm/init` (Engine API v1.41 `SwarmInitRequest`). */
export interface SwarmInitRequest {
  readonly ListenAddr?: string;
  readonly AdvertiseAddr?: string;
  readonly DataPathAddr?: string;
  readonly DataPathPort?: number;
  readonly DefaultAddrPool?: readonly string[];
  readonly SubnetSize?: number;
  readonly ForceNewCluster?: boolean;
  readonly Spec?: SwarmSpec;
  readonly AutoLockManagers?: boolean;
  readonly Availability?: NodeAvailability;
}

/** The body of `POST /swarm/join` (Engine API v1.41 `SwarmJoinRequest`). */
export interface SwarmJoinRequest {
  readonly ListenAddr?: string;
  readonly AdvertiseAddr?: string;
  readonly DataPathAddr?: string;
  readonly RemoteAddrs: readonly string[];
  readonly JoinToken: string;
  readonly Availability?: NodeAvailability;
}

/** The flags of `POST /swarm/update`. */
export interface SwarmUpdateFlags {
  readonly rotateWorkerToken: boolean;
  readonly rotateManagerToken: boolean;
  readonly rotateManagerUnlockKey: boolean;
}

/**
 * What the swarm and node routes ask of the daemon. The daemon implements it over its
 * lifecycle (init, join, leave, unlock) and its manager's control API; the routes only map
 * HTTP to these calls and back. Every method throws `ShoalError`s whose status the server
 * answers with: 503 "This node is not a swarm manager..." off a manager, 503 "The swarm does
 * not have a leader..." without quorum, 409 / 400 / 404 as the control API decides.
 */
export interface SwarmBackend {
  /** `POST /swarm/init`: resolves with the new node ID. */
  init(request: SwarmInitRequest): Promise<string>;
  /** `POST /swarm/join`: resolves once the node has joined (or fails with the reason). */
  join(request: SwarmJoinRequest): Promise<void>;
  /** `POST /swarm/leave?force=` */
  leave(force: boolean): Promise<void>;
  /** `POST /swarm/unlock` with the unlock key. */
  unlock(unlockKey: string): Promise<void>;
  /** `GET /swarm` (managers only). */
  inspect(): Promise<EngineSwarm>;
  /** `POST /swarm/update?version=` with the full spec (managers only). */
  update(version: number, spec: SwarmSpec, flags: SwarmUpdateFlags): Promise<void>;
  /** `GET /swarm/unlockkey` (managers only). */
  unlockKey(): Promise<{ UnlockKey: string }>;
  /** `GET /nodes?filters=` (managers only); filters already parsed. */
  listNodes(filters: Filters): Promise<EngineNode[]>;
  /** `GET /nodes/{id}`: exact ID, then name, then unique ID prefix. */
  inspectNode(ref: string): Promise<EngineNode>;
  /** `POST /nodes/{id}/update?version=` with the full spec. */
  updateNode(ref: string, version: number, spec: NodeSpec): Promise<void>;
  /** `DELETE /nodes/{id}?force=` */
  removeNode(ref: string, force: boolean): Promise<void>;
}
