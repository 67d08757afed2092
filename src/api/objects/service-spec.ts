import type { Annotations, Nanoseconds } from './common.ts';
import type { NetworkAttachmentConfig, TaskSpec } from './task-spec.ts';

/** A replicated service: `Replicas` tasks spread over the cluster. */
export interface ReplicatedMode {
  readonly Replicas?: number;
}

/** A replicated job: runs to `TotalCompletions` successes, `MaxConcurrent` at a time. */
export interface ReplicatedJobMode {
  readonly MaxConcurrent?: number;
  readonly TotalCompletions?: number;
}

/**
 * The scheduling mode. Exactly one member is set; an empty mode means replicated with one
 * replica (normalize-service-spec.ts fills it in).
 */
export interface ServiceMode {
  readonly Replicated?: ReplicatedMode;
  readonly Global?: Readonly<Record<string, never>>;
  readonly ReplicatedJob?: ReplicatedJobMode;
  readonly GlobalJob?: Readonly<Record<string, never>>;
}

/** The mode names the `mode` list filter and the CLI use. */
export const SERVICE_MODE_NAMES = ['replicated', 'global', 'replicated-job', 'global-job'] as const;
/** A mode's name. */
export type ServiceModeName = (typeof SERVICE_MODE_NAMES)[number];

/** What to do when an update (or rollback) sees too many failed tasks. */
export const FAILURE_ACTIONS = ['pause', 'continue', 'rollback'] as const;
/** An update failure action. */
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

/** Whether the old task stops before its replacement starts, or after. */
export const UPDATE_ORDERS = ['stop-first', 'start-first'] as const;
/** An update order. */
export type UpdateOrder = (typeof UPDATE_ORDERS)[number];

/** A rolling update (or rollback) strategy; defaults in defaults.ts. */
export interface UpdateConfig {
  /** Tasks updated at once; 0 means all at once. */
  readonly Parallelism?: number;
  /** Wait between batches. */
  readonly Delay?: Nanoseconds;
  readonly FailureAction?: FailureAction;
  /** How long after a task starts a failure still counts against the update. */
  readonly Monitor?: Nanoseconds;
  /** Fraction of tasks (0..1) that may fail before the failure action runs. */
  readonly MaxFailureRatio?: number;
  readonly Order?: UpdateOrder;
}

/** Port protocols. */
export const PORT_PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
/** A port protocol. */
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

/** `ingress` publishes on every node through the routing mesh; `host` only where tasks run. */
export const PUBLISH_MODES = ['ingress', 'host'] as const;
/** A publish mode. */
export type PublishMode = (typeof PUBLISH_MODES)[number];

/** A published (or merely exposed) port of a service. */
export interface PortConfig {
  readonly Name?: string;
  readonly Protocol?: PortProtocol;
  /** Port inside the container. */
  readonly TargetPort?: number;
  /** Port on the nodes; 0 asks the allocator for one (30000–32767). */
  readonly PublishedPort?: number;
  readonly PublishMode?: PublishMode;
}

/** Service discovery: a virtual IP, or DNS round-robin over task IPs. */
export const RESOLUTION_MODES = ['vip', 'dnsrr'] as const;
/** An endpoint resolution mode. */
export type ResolutionMode = (typeof RESOLUTION_MODES)[number];

/** How a service is reached. */
export interface EndpointSpec {
  readonly Mode?: ResolutionMode;
  readonly Ports?: readonly PortConfig[];
}

/**
 * Everything a user declares about a service (Docker's `ServiceSpec`). Updates replace the
 * whole spec; they are not patches.
 */
export interface ServiceSpec extends Annotations {
  readonly TaskTemplate?: TaskSpec;
  readonly Mode?: ServiceMode;
  readonly UpdateConfig?: UpdateConfig;
  readonly RollbackConfig?: UpdateConfig;
  /** Deprecated in Docker's API: use `TaskTemplate.Networks`. Accepted and kept. */
  readonly Networks?: readonly NetworkAttachmentConfig[];
  readonly EndpointSpec?: EndpointSpec;
}

/** The name of a spec's mode; `replicated` when no mode is set. */
export function serviceModeName(mode: ServiceMode | undefined): ServiceModeName {
  if (mode?.Global !== undefined) return 'global';
  if (mode?.ReplicatedJob !== undefined) return 'replicated-job';
  if (mode?.GlobalJob !== undefined) return 'global-job';
  return 'replicated';
}

/** Whether the mode runs to completion (a job) rather than forever. */
export function isJobMode(mode: ServiceMode | undefined): boolean {
  return mode?.ReplicatedJob !== undefined || mode?.GlobalJob !== undefined;
}
