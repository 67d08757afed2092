import type { Service, ServiceStatus } from '../../api/objects/service.ts';
import type { Task } from '../../api/objects/task.ts';

/**
 * The task counts `GET /services?status=true` adds, computed as swarmkit's
 * ListServiceStatuses does from the service and its tasks (`tasks` are the tasks whose
 * `ServiceID` is the service's):
 * - `RunningTasks`: tasks in state `running`;
 * - `DesiredTasks`: the replica count for replicated services, `MaxConcurrent` for
 *   replicated jobs; for global services the tasks desired `running`, for global jobs the
 *   tasks desired `complete` not yet complete;
 * - `CompletedTasks`: for jobs, tasks in state `complete`; 0 otherwise.
 * For jobs only tasks of the current `JobIteration` count. Pure.
 */
export function serviceStatusOf(service: Service, tasks: readonly Task[]): ServiceStatus {
  const mode = service.Spec.Mode;
  const iteration = service.JobStatus?.JobIteration.Index;
  const replicated = mode?.Replicated ?? (mode === undefined ? { Replicas: 1 } : undefined);
  let desired = replicated?.Replicas ?? mode?.ReplicatedJob?.MaxConcurrent ?? 0;
  const global = replicated === undefined && mode?.ReplicatedJob === undefined;
  let running = 0;
  let completed = 0;
  for (const task of tasks) {
    if (iteration !== undefined) {
      if (task.JobIteration?.Index !== iteration) continue;
      if (task.Status.State === 'complete') completed++;
    }
    if (task.Status.State === 'running') running++;
    if (global && task.DesiredState === 'running') desired++;
    if (global && task.DesiredState === 'complete' && task.Status.State !== 'complete') desired++;
  }
  return { RunningTasks: running, DesiredTasks: desired, CompletedTasks: completed };
}
