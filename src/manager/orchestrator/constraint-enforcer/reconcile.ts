import type { Node } from '../../../api/objects/node.ts';
import type { Task } from '../../../api/objects/task.ts';
import { compareTaskStates } from '../../../api/objects/task.ts';
import { nodeMatchesConstraints } from '../node-fitness.ts';
import { compareTaskAge, isLiveTask } from '../slots-of.ts';
import type { StatusChange } from '../task-writes.ts';
import { taskStatus } from '../task-status.ts';

/** The status message of a task the enforcer rejects (Swarm's words). */
export const ENFORCER_MESSAGE = 'task rejected by constraint enforcer';
/** The status error of a task the enforcer rejects (Swarm's words). */
export const ENFORCER_ERROR = 'assigned node no longer meets constraints';

/**
 * The tasks on `node` to reject at time `now` (swarmkit's constraint enforcer): among
 * `onNode`'s live tasks that have not finished (state ≤ `running`), those whose placement
 * constraints the node no longer meets, and, taking the remaining assigned ones oldest
 * first, those whose CPU or memory reservation no longer fits in what the node offers.
 * Each becomes `rejected` "task rejected by constraint enforcer" with Err "assigned node no
 * longer meets constraints"; the orchestrators then replace them. Pure.
 */
export function planEnforcement(node: Node, onNode: readonly Task[], now: number): StatusChange[] {
  const candidates = onNode
    .filter((t) => isLiveTask(t) && compareTaskStates(t.Status.State, 'running') <= 0)
    .sort(compareTaskAge);
  const rejected: Task[] = [];
  let cpu = node.Description?.Resources?.NanoCPUs ?? Infinity;
  let memory = node.Description?.Resources?.MemoryBytes ?? Infinity;
  for (const task of candidates) {
    if (!nodeMatchesConstraints(node, task.Spec.Placement?.Constraints)) {
      rejected.push(task);
      continue;
    }
    if (compareTaskStates(task.Status.State, 'assigned') < 0) continue;
    const wants = task.Spec.Resources?.Reservations;
    const needCpu = wants?.NanoCPUs ?? 0;
    const needMemory = wants?.MemoryBytes ?? 0;
    if (needCpu > cpu || needMemory > memory) {
      rejected.push(task);
      continue;
    }
    cpu -= needCpu;
    memory -= needMemory;
  }
  return rejected.map((task) => ({
    taskId: task.id,
    status: taskStatus(now, 'rejected', ENFORCER_MESSAGE, ENFORCER_ERROR),
  }));
}
