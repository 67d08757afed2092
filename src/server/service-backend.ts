import type { Filters } from '../api/filters.ts';
import type { TaskLogMessage, TaskLogSelector } from '../api/objects/log-message.ts';
import type { EngineService } from '../api/objects/service.ts';
import type { ServiceSpec } from '../api/objects/service-spec.ts';
import type { EngineTask } from '../api/objects/task.ts';

/**
 * The body of `POST /services/create` (201). `Warnings` is `null` when there are none, as the
 * Engine's nil slice encodes.
 */
export interface ServiceCreateResponse {
  readonly ID: string;
  readonly Warnings: readonly string[] | null;
}

/** The body of `POST /services/{id}/update` (200); `Warnings` as for create. */
export interface ServiceUpdateResponse {
  readonly Warnings: readonly string[] | null;
}

/** The query and headers of `POST /services/{id}/update` besides the version. */
export interface ServiceUpdateOptions {
  /** `?rollback=previous`: return to the previous spec; the body's spec is then not applied. */
  readonly rollback: boolean;
  /** `?registryAuthFrom=spec|previous-spec` (the Engine's default is `spec`). */
  readonly registryAuthFrom?: 'spec' | 'previous-spec';
  /** The `X-Registry-Auth` header, if sent. */
  readonly encodedRegistryAuth?: string;
}

/** What a logs request reads: the tasks of one service, or one task (an ID, name or prefix). */
export type LogTarget =
  | { readonly kind: 'service'; readonly ref: string }
  | { readonly kind: 'task'; readonly ref: string };

/** The query of `GET /services/{id}/logs` and `/tasks/{id}/logs` the backend acts on. */
export interface LogOptions {
  readonly follow: boolean;
  /** The last N entries per task; undefined for all. */
  readonly tail?: number;
  /** Entries at or after this time, in ms since the epoch. */
  readonly since?: number;
}

/** An opened log stream: whether the target runs with a TTY (raw framing), and its messages. */
export interface LogSource {
  readonly tty: boolean;
  /** Ends when the logs end (not following) or `signal` aborts. */
  readonly messages: AsyncIterable<TaskLogMessage>;
}

/**
 * Subscribes to task logs through the managers' log broker: yields the messages `selector`
 * picks until they end (not following) or `signal` aborts. Built by the log broker's owner
 * and handed to the backend.
 */
export type LogSubscribe = (
  selector: TaskLogSelector,
  signal: AbortSignal,
) => AsyncIterable<TaskLogMessage>;

/**
 * What the service and task routes ask of the daemon (Engine API v1.41). The daemon
 * implements it over its manager's control API (src/manager/controlapi/services.ts and
 * tasks.ts); the routes only map HTTP to these calls and back. Every method throws
 * `ShoalError`s whose status the server answers with: 503 off a manager or without a leader
 * (for writes), 404 / 400 for references, 400 for invalid specs, 409 for a taken name, 501
 * for mode changes and renames, 500 "update out of sequence" for a stale version.
 */
export interface ServiceBackend {
  /** `GET /services?filters=&status=`: filters already parsed; `status` adds ServiceStatus. */
  listServices(filters: Filters, status: boolean): Promise<EngineService[]>;
  /** `GET /services/{id}?insertDefaults=` */
  inspectService(ref: string, insertDefaults: boolean): Promise<EngineService>;
  /** `POST /services/create` with the spec as sent and the `X-Registry-Auth` header. */
  createService(spec: ServiceSpec, encodedRegistryAuth?: string): Promise<ServiceCreateResponse>;
  /** `POST /services/{id}/update?version=` with the full spec. */
  updateService(
    ref: string,
    version: number,
    spec: ServiceSpec,
    options: ServiceUpdateOptions,
  ): Promise<ServiceUpdateResponse>;
  /** `DELETE /services/{id}` */
  removeService(ref: string): Promise<void>;
  /** `GET /tasks?filters=`: filters already parsed (service and node refs not yet resolved). */
  listTasks(filters: Filters): Promise<EngineTask[]>;
  /** `GET /tasks/{id}` */
  inspectTask(ref: string): Promise<EngineTask>;
  /**
   * `GET /services/{id}/logs`, `/tasks/{id}/logs`: resolves the target (throwing 404 / 400
   * before any byte is sent), then returns its TTY setting and the messages, which stop when
   * `signal` aborts.
   */
  logs(target: LogTarget, options: LogOptions, signal: AbortSignal): Promise<LogSource>;
}
