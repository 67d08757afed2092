import type { Driver } from '../../api/objects/common.ts';
import type { Service } from '../../api/objects/service.ts';
import { isJobMode } from '../../api/objects/service-spec.ts';
import type { Task, TaskState } from '../../api/objects/task.ts';
import type { RandomBytes } from '../../api/ids.ts';
import { newObjectId } from '../../api/ids.ts';
import type { Clock } from '../../base/clock.ts';
import type { NewObject } from '../../store/store-object.ts';
import { taskStatus } from './task-status.ts';

/** A task as made by {@link newTask}, ready for `tx.create(tasks, ...)` (the store adds `meta`). */
export type NewTask = NewObject<Task>;

/** What {@link newTask} needs from its caller's environment; both are injected, never global. */
export interface TaskFactoryDeps {
  /** Read once for `Status.Timestamp` (a `ManualClock` in tests). */
  readonly clock: Pick<Clock, 'now'>;
  /** Source of the task ID's entropy (`secureRandomBytes` in production, `rngRandomBytes` in tests). */
  readonly randomBytes: RandomBytes;
}

/** Where the new task goes, and what the managers want of it. */
export interface NewTaskOptions {
  /**
   * Replica number: 1..N for replicated services, 0-based for replicated jobs. Global
   * services and global jobs leave it out (their `Slot` is 0 and `nodeId` names the slot).
   */
  readonly slot?: number;
  /**
   * Global services and jobs: the node the task is pre-assigned to (the scheduler then only
   * checks it still fits). Replicated tasks leave it out; the scheduler picks the node.
   */
  readonly nodeId?: string;
  /**
   * `running` for a task that should start as soon as it can; `ready` for a replacement that
   * waits (restart delay, rolling update) until someone raises it to `running`; `complete`
   * for job tasks. Default: `complete` for jobs, `running` otherwise.
   */
  readonly desiredState?: TaskState;
  /** The cluster's default log driver (`Spec.TaskDefaults.LogDriver`), used when the task spec has none. */
  readonly defaultLogDriver?: Driver;
}

/**
 * A new task of `service` in state `new` ("created"), like swarmkit's `orchestrator.NewTask`.
 * Pure apart from the injected clock and random bytes; never touches the store.
 *
 * The task carries:
 * - `id` from `deps.randomBytes`, `Status` `{ State: 'new', Message: 'created', Timestamp }`
 *   from `deps.clock`;
 * - `ServiceID`, `Slot` (`options.slot`, 0 when absent), `NodeID` (`options.nodeId` if given);
 * - `Spec`: the service's `Spec.TaskTemplate` (an empty spec when the service has none),
 *   shared by reference (store objects are frozen, so sharing is safe);
 * - `ServiceAnnotations`: the service's `Name` and `Labels` (task names derive from them);
 * - `SpecVersion`: the service's `SpecVersion` when it has one, so the updater can tell
 *   tasks of an older spec apart (a task whose `SpecVersion` differs from the service's is
 *   dirty);
 * - `JobIteration`: for job modes only, the service's `JobStatus.JobIteration` (`{Index: 0}`
 *   when the service has no `JobStatus` yet);
 * - `Endpoint` copied from the service when allocated; `LogDriver` from the task spec, else
 *   `options.defaultLogDriver`.
 *
 * Throws a RangeError (from `newObjectId`) if `randomBytes` returns too few bytes.
 */
export function newTask(service: Service, options: NewTaskOptions, deps: TaskFactoryDeps): NewTask {
  const spec = service.Spec;
  const job = isJobMode(spec.Mode);
  const desired: TaskState = options.desiredState ?? (job ? 'complete' : 'running');
  const logDriver = spec.TaskTemplate?.LogDriver ?? options.defaultLogDriver;
  return {
    id: newObjectId(deps.randomBytes),
    ServiceID: service.id,
    Slot: options.slot ?? 0,
    ...(options.nodeId === undefined ? {} : { NodeID: options.nodeId }),
    Spec: spec.TaskTemplate ?? {},
    ServiceAnnotations: {
      ...(spec.Name === undefined ? {} : { Name: spec.Name }),
      ...(spec.Labels === undefined ? {} : { Labels: spec.Labels }),
    },
    ...(service.SpecVersion === undefined ? {} : { SpecVersion: service.SpecVersion }),
    ...(job ? { JobIteration: service.JobStatus?.JobIteration ?? { Index: 0 } } : {}),
    ...(service.Endpoint === undefined ? {} : { Endpoint: service.Endpoint }),
    ...(logDriver === undefined ? {} : { LogDriver: logDriver }),
    Status: taskStatus(deps.clock.now(), 'new', 'created'),
    DesiredState: desired,
  };
}
