import { DEFAULT_TASK_HISTORY_LIMIT } from '../../../api/defaults.ts';
import type { Service } from '../../../api/objects/service.ts';
import { isJobMode } from '../../../api/objects/service-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import { compareTaskStates } from '../../../api/objects/task.ts';
import { compareTaskAge } from '../slots-of.ts';

/**
 * The history kept per slot for `service`: the cluster's `TaskHistoryRetentionLimit`
 * (`clusterLimit`, default 5), raised to `MaxAttempts + 1` when the service's restart
 * policy sets more attempts (so restart counting still sees them), and at least 1 for jobs
 * (a job slot's completed task is what says it is done). Negative means keep everything.
 */
export function historyLimit(
  clusterLimit: number | undefined,
  service: Service | undefined,
): number {
  const limit = clusterLimit ?? DEFAULT_TASK_HISTORY_LIMIT;
  if (limit < 0) return limit;
  const attempts = service?.Spec.TaskTemplate?.RestartPolicy?.MaxAttempts ?? 0;
  const floor = service && isJobMode(service.Spec.Mode) ? 1 : 0;
  return Math.max(limit, attempts > 0 ? attempts + 1 : 0, floor);
}

/** Whether the task is not running anywhere: never assigned (state < `assigned`) or stopped (≥ `complete`). */
export function isStopped(task: Task): boolean {
  return (
    compareTaskStates(task.Status.State, 'assigned') < 0 ||
    compareTaskStates(task.Status.State, 'complete') >= 0
  );
}

/**
 * Whether the task is history: desired past `running` and observed past `running`, or
 * desired `shutdown` or later and never assigned (it will never run). A job task desired
 * `complete` that still waits for a node is not history.
 */
function isHistory(task: Task): boolean {
  if (compareTaskStates(task.DesiredState, 'running') <= 0) return false;
  if (compareTaskStates(task.Status.State, 'running') > 0) return true;
  return (
    compareTaskStates(task.DesiredState, 'shutdown') >= 0 &&
    compareTaskStates(task.Status.State, 'assigned') < 0
  );
}

/**
 * The IDs of the tasks of one slot (replicated and jobs: service + slot; global: service +
 * node) to delete (swarmkit's task reaper):
 * - every task desired `remove` that is stopped ({@link isStopped});
 * - when the service is gone (`service` undefined), every stopped task;
 * - otherwise, with a non-negative `limit`, the oldest history tasks (desired and observed
 *   past `running`, or desired `shutdown`+ and never assigned) beyond `limit` tasks in the
 *   slot, the newest kept.
 * Pure; `slotTasks` in any order.
 */
export function planReap(
  slotTasks: readonly Task[],
  service: Service | undefined,
  limit: number,
): string[] {
  const doomed = new Set<string>();
  for (const task of slotTasks) {
    if (!isStopped(task)) continue;
    if (!service || task.DesiredState === 'remove') doomed.add(task.id);
  }
  if (service && limit >= 0) {
    const remaining = slotTasks.filter((t) => !doomed.has(t.id)).sort(compareTaskAge);
    let excess = remaining.length - limit;
    for (const task of remaining) {
      if (excess <= 0) break;
      if (!isHistory(task)) continue;
      doomed.add(task.id);
      excess--;
    }
  }
  return [...doomed];
}
