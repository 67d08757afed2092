import type { Task } from '../../api/objects/task.ts';
import { compareTaskStates } from '../../api/objects/task.ts';
import type { StatusChange } from '../orchestrator/task-writes.ts';
import { taskStatus } from '../orchestrator/task-status.ts';

/** The message of a task the allocator has passed on to the scheduler (Swarm's words). */
export const PENDING_MESSAGE = 'pending task scheduling';

/**
 * Which of `candidates` the allocator moves from `new` to `pending` at time `now`: tasks in
 * state `new` whose desired state is at most `complete` (tasks already desired `shutdown`
 * or `remove` are never started, so they stay `new` until the reaper deletes them) and whose
 * service exists (`serviceExists`). This is the seam where network attachments and
 * addresses will be allocated (a later issue); today every such task is ready at once. Pure.
 */
export function planAllocation(
  candidates: readonly Task[],
  serviceExists: (serviceId: string) => boolean,
  now: number,
): StatusChange[] {
  const changes: StatusChange[] = [];
  for (const task of candidates) {
    if (task.Status.State !== 'new') continue;
    if (compareTaskStates(task.DesiredState, 'complete') > 0) continue;
    if (!serviceExists(task.ServiceID)) continue;
    changes.push({ taskId: task.id, status: taskStatus(now, 'pending', PENDING_MESSAGE) });
  }
  return changes;
}
