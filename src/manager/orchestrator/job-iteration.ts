import type { Service } from '../../api/objects/service.ts';
import type { Task } from '../../api/objects/task.ts';
import { compareTaskStates } from '../../api/objects/task.ts';
import { isLiveTask } from './slots-of.ts';
import type { WritesBuilder } from './task-writes.ts';

/** The service's current job iteration (`JobStatus.JobIteration.Index`, 0 when unset). */
export function jobIterationOf(service: Service): number {
  return service.JobStatus?.JobIteration.Index ?? 0;
}

/**
 * Splits a job's tasks by iteration: tasks of an older iteration that are live and have
 * not finished (state ≤ `running`) are desired `remove` (the job was updated, swarmkit's
 * reconciler does the same); the tasks of the current iteration are returned.
 */
export function currentIterationTasks(
  service: Service,
  tasks: readonly Task[],
  out: WritesBuilder,
): Task[] {
  const iteration = jobIterationOf(service);
  const current: Task[] = [];
  for (const task of tasks) {
    if ((task.JobIteration?.Index ?? 0) === iteration) {
      current.push(task);
    } else if (isLiveTask(task) && compareTaskStates(task.Status.State, 'running') <= 0) {
      out.setDesired(task, 'remove');
    }
  }
  return current;
}
