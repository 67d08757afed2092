import { withServiceDefaults } from '../defaults.ts';
import type { EngineEnvelope, StoredObject, Version } from './common.ts';
import { pickDefined, toEngineEnvelope } from './envelope.ts';
import type { EndpointSpec, PortConfig, ServiceSpec } from './service-spec.ts';

/** A service's virtual IP on one network (`10.0.0.5/24`). */
export interface EndpointVirtualIP {
  readonly NetworkID: string;
  readonly Addr: string;
}

/** What the allocator gave the service: ports (with assigned published ports) and VIPs. */
export interface Endpoint {
  /** The endpoint spec the allocation was made for. */
  readonly Spec?: EndpointSpec;
  readonly Ports?: readonly PortConfig[];
  readonly VirtualIPs?: readonly EndpointVirtualIP[];
}

/**
 * Rolling-update states. Docker's v1.41 swagger lists the first three; the engine emits
 * all six.
 */
export const UPDATE_STATES = [
  'updating',
  'paused',
  'completed',
  'rollback_started',
  'rollback_paused',
  'rollback_completed',
] as const;
/** The state of a service's last update or rollback. */
export type UpdateState = (typeof UPDATE_STATES)[number];

/** Progress of the service's last update; absent until one starts. */
export interface UpdateStatus {
  readonly State?: UpdateState;
  readonly StartedAt?: string;
  readonly CompletedAt?: string;
  /** E.g. "update in progress", "update paused due to failure or early termination of task X". */
  readonly Message?: string;
}

/** Executions of a job: the iteration grows on every spec update of a job service. */
export interface JobStatus {
  readonly JobIteration: Version;
  readonly LastExecution?: string;
}

/** Task counts returned by `GET /services?status=true` (computed, never stored). */
export interface ServiceStatus {
  readonly RunningTasks: number;
  readonly DesiredTasks: number;
  readonly CompletedTasks: number;
}

/** Fields a service has both in the store and in the Engine API. */
export interface ServiceFields {
  readonly Spec: ServiceSpec;
  /** The spec before the last update; what `rollback=previous` returns to. */
  readonly PreviousSpec?: ServiceSpec;
  readonly Endpoint?: Endpoint;
  readonly UpdateStatus?: UpdateStatus;
  readonly JobStatus?: JobStatus;
}

/** A service as the store holds it. */
export interface Service extends StoredObject, ServiceFields {
  /**
   * shoal-internal (never returned): `meta.version` of the write that last changed `Spec`,
   * so tasks can tell which spec they were made from (swarmkit's `SpecVersion`).
   */
  readonly SpecVersion?: Version;
  /**
   * shoal-internal: the `SpecVersion` of `PreviousSpec`, restored by `rollback=previous` so
   * tasks still on the previous spec count as up to date again (swarmkit's).
   */
  readonly PreviousSpecVersion?: Version;
  /** shoal-internal: the service is being removed; its tasks are stopping. */
  readonly PendingDelete?: boolean;
}

/** A service as `GET /services` returns it. */
export interface EngineService extends EngineEnvelope, ServiceFields {
  readonly Endpoint: Endpoint;
  readonly ServiceStatus?: ServiceStatus;
}

/** Options of {@link toEngineService}. */
export interface EngineServiceOptions {
  /** `?insertDefaults=true`: show the spec with Swarm's defaults filled in. */
  readonly insertDefaults?: boolean;
  /** `?status=true`: the task counts to include. */
  readonly status?: ServiceStatus;
}

/**
 * The Engine-API form of a stored service. Internal fields are dropped; `Endpoint` is
 * always present (`{ Spec: {} }` before allocation), as Docker's is. Pure.
 */
export function toEngineService(
  service: Service,
  options: EngineServiceOptions = {},
): EngineService {
  const spec = options.insertDefaults === true ? withServiceDefaults(service.Spec) : service.Spec;
  return {
    ...toEngineEnvelope(service),
    Spec: spec,
    ...pickDefined(service, ['PreviousSpec']),
    Endpoint: service.Endpoint ?? { Spec: {} },
    ...pickDefined(service, ['UpdateStatus']),
    ...(options.status === undefined ? {} : { ServiceStatus: options.status }),
    ...pickDefined(service, ['JobStatus']),
  };
}
