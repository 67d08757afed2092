import type { Annotations, Driver, GenericResource, Labels, StoredObject } from './common.ts';
import type { EngineEnvelope, Version } from './common.ts';
import { pickDefined, toEngineEnvelope } from './envelope.ts';
import type { Network, SwarmNetwork } from './network.ts';
import { toSwarmNetwork } from './network.ts';
import type { Endpoint } from './service.ts';
import type { PortConfig } from './service-spec.ts';
import type { TaskSpec } from './task-spec.ts';

/**
 * Task states in lifecycle order with Swarm's numeric values (64 apart; a task's state only
 * ever grows). `allocated` exists in the Engine API only: it was merged into `pending`, so
 * shoal accepts it in filters but never sets it.
 */
export const TASK_STATE_VALUES = {
  new: 0,
  allocated: 128,
  pending: 64,
  assigned: 192,
  accepted: 256,
  preparing: 320,
  ready: 384,
  starting: 448,
  running: 512,
  complete: 576,
  shutdown: 640,
  failed: 704,
  rejected: 768,
  remove: 800,
  orphaned: 832,
} as const;

/** A task state, as the Engine API spells it. */
export type TaskState = keyof typeof TASK_STATE_VALUES;

/** Every task state name, in the Engine API's order. */
export const TASK_STATES = Object.keys(TASK_STATE_VALUES) as readonly TaskState[];

/** Whether `value` names a task state. */
export function isTaskState(value: string): value is TaskState {
  return Object.hasOwn(TASK_STATE_VALUES, value);
}

/** Negative, zero or positive as state `a` comes before, with or after state `b`. */
export function compareTaskStates(a: TaskState, b: TaskState): number {
  return TASK_STATE_VALUES[a] - TASK_STATE_VALUES[b];
}

/** Whether a task in `state` has stopped for good (anything past `running`). */
export function isTerminalTaskState(state: TaskState): boolean {
  return TASK_STATE_VALUES[state] > TASK_STATE_VALUES.running;
}

/** The container an executor runs for a task. */
export interface ContainerStatus {
  readonly ContainerID?: string;
  readonly PID?: number;
  readonly ExitCode?: number;
}

/** The observed state of a task, as its agent (or a manager) last reported it. */
export interface TaskStatus {
  /** ISO-8601 time of the report. */
  readonly Timestamp?: string;
  readonly State: TaskState;
  /** What happened, e.g. "started", "pending task scheduling". */
  readonly Message?: string;
  /** Why it failed, e.g. "task: non-zero exit (137)", "no suitable node (...)". */
  readonly Err?: string;
  readonly ContainerStatus?: ContainerStatus;
  /** Host-mode ports the task published. */
  readonly PortStatus?: { readonly Ports?: readonly PortConfig[] };
}

/** A task's addresses on one network; the store keeps a copy of the network. */
export interface NetworkAttachment {
  readonly Network: Network;
  /** CIDR addresses, e.g. `10.0.0.7/24`. */
  readonly Addresses?: readonly string[];
}

/** Fields a task has both in the store and in the Engine API. */
interface TaskCommonFields {
  /** Set only when given explicitly; otherwise {@link taskName} derives the name. */
  readonly Name?: string;
  readonly Labels?: Labels;
  readonly Spec: TaskSpec;
  readonly ServiceID: string;
  /** Replica number (1..N, 0-based for jobs); 0 for global tasks, which use `NodeID`. */
  readonly Slot: number;
  /** Set by the scheduler (or at creation for global tasks). */
  readonly NodeID?: string;
  readonly Status: TaskStatus;
  /** What the managers want: running, ready (held), complete (jobs), shutdown, remove. */
  readonly DesiredState: TaskState;
  readonly GenericResources?: readonly GenericResource[];
  /** The service's `JobStatus.JobIteration` this task was made for (jobs only). */
  readonly JobIteration?: Version;
}

/** A task as the store holds it. */
export interface Task extends StoredObject, TaskCommonFields {
  readonly NetworksAttachments?: readonly NetworkAttachment[];
  /** shoal-internal: the service's name and labels when the task was made (for naming). */
  readonly ServiceAnnotations?: Annotations;
  /** shoal-internal: the service's `SpecVersion` this task was made from. */
  readonly SpecVersion?: Version;
  /** shoal-internal: the service endpoint (VIPs, ports) at task creation. */
  readonly Endpoint?: Endpoint;
  /** shoal-internal: the log driver resolved from the service or the cluster defaults. */
  readonly LogDriver?: Driver;
}

/** A task as `GET /tasks` returns it. */
export interface EngineTask extends EngineEnvelope, TaskCommonFields {
  readonly Labels: Labels;
  readonly NetworksAttachments?: readonly {
    readonly Network: SwarmNetwork;
    readonly Addresses?: readonly string[];
  }[];
}

/**
 * A task's display name, `<service>.<slot>.<task id>`, or `<service>.<node id>.<task id>`
 * for slot-less (global) tasks; an explicit `Name` wins. This is the name task lookups
 * and the `name` filter match.
 */
export function taskName(task: Task): string {
  if (task.Name !== undefined && task.Name !== '') return task.Name;
  const slot = task.Slot === 0 ? (task.NodeID ?? '') : String(task.Slot);
  return `${task.ServiceAnnotations?.Name ?? ''}.${slot}.${task.id}`;
}

/** The Engine-API form of a stored task; internal fields are dropped. Pure. */
export function toEngineTask(task: Task): EngineTask {
  const attachments = task.NetworksAttachments?.map((attachment) => ({
    Network: toSwarmNetwork(attachment.Network),
    ...pickDefined(attachment, ['Addresses']),
  }));
  return {
    ...toEngineEnvelope(task),
    ...pickDefined(task, ['Name']),
    Labels: task.Labels ?? {},
    Spec: task.Spec,
    ServiceID: task.ServiceID,
    Slot: task.Slot,
    ...pickDefined(task, ['NodeID']),
    Status: task.Status,
    DesiredState: task.DesiredState,
    ...(attachments === undefined ? {} : { NetworksAttachments: attachments }),
    ...pickDefined(task, ['GenericResources', 'JobIteration']),
  };
}
