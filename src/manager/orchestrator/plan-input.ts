import type { Driver } from '../../api/objects/common.ts';
import type { Node } from '../../api/objects/node.ts';
import type { Service } from '../../api/objects/service.ts';
import type { Task } from '../../api/objects/task.ts';
import { isTerminalTaskState } from '../../api/objects/task.ts';
import type { RestartContext } from './restart/restart-planner.ts';
import { compareTaskAge, isLiveTask, tasksBySlot } from './slots-of.ts';
import type { NewTask, TaskFactoryDeps } from './task-factory.ts';
import { newTask } from './task-factory.ts';

/** What a service planner reads: one service, all of its tasks, the nodes, and the time. */
export interface ServicePlanInput {
  readonly service: Service;
  /** Every task of the service, whatever its desired state. */
  readonly tasks: readonly Task[];
  readonly nodes: ReadonlyMap<string, Node>;
  /** Clock milliseconds. */
  readonly now: number;
  /** Clock and random bytes for the tasks the planner makes. */
  readonly factory: TaskFactoryDeps;
  /** The cluster's `Spec.TaskDefaults.LogDriver`. */
  readonly defaultLogDriver?: Driver;
}

/**
 * A new task of `input`'s service for a replica `slot` or a global `nodeId`, with the
 * cluster's default log driver when the service names none.
 */
export function plannedTask(
  input: ServicePlanInput,
  placement: { readonly slot: number } | { readonly nodeId: string },
): NewTask {
  return newTask(
    input.service,
    {
      ...placement,
      ...(input.defaultLogDriver === undefined ? {} : { defaultLogDriver: input.defaultLogDriver }),
    },
    input.factory,
  );
}

/** The restart context of one slot (or node) of `input`'s service. */
export function restartContext(
  input: ServicePlanInput,
  slotTasks: readonly Task[],
): RestartContext {
  return {
    service: input.service,
    slotTasks,
    nodes: input.nodes,
    now: input.now,
    factory: input.factory,
    ...(input.defaultLogDriver === undefined ? {} : { defaultLogDriver: input.defaultLogDriver }),
  };
}

/** Whether the task stopped (observed state past `running`). */
export function hasEnded(task: Task): boolean {
  return isTerminalTaskState(task.Status.State);
}

/**
 * Whether the newest of `history` (a slot's or node's tasks, none of them live) was stopped
 * for good under the current spec: desired `shutdown` and made from `specVersion`, and, when
 * `endedOnItsOwn`, observed `complete`, `failed` or `rejected` (so tasks shut down because
 * their node was drained or went down do not count). Such a slot is not refilled until the
 * spec changes: the restart policy said no, and a level-triggered loop must not undo that.
 */
export function stoppedByPolicy(
  history: readonly Task[],
  specVersion: number | undefined,
  endedOnItsOwn: boolean,
): boolean {
  const newest = [...history].sort(compareTaskAge).at(-1);
  if (!newest || newest.DesiredState !== 'shutdown') return false;
  if (newest.SpecVersion?.Index !== specVersion) return false;
  if (!endedOnItsOwn) return true;
  const state = newest.Status.State;
  return state === 'complete' || state === 'failed' || state === 'rejected';
}

/** Every task of the input grouped by slot number, and the live ones among them. */
export function slotsOfInput(input: ServicePlanInput): {
  all: Map<number, Task[]>;
  live: Map<number, Task[]>;
} {
  const all = tasksBySlot(input.tasks);
  const live = tasksBySlot(input.tasks.filter(isLiveTask));
  return { all, live };
}
