import { statusOf } from '../../api/errors.ts';
import { ShoalError } from '../../base/errors.ts';

/**
 * Swarm's PermissionDenied for a node that reports on (or sends the logs of) a task assigned
 * to another node: `TASK_NOT_ASSIGNED`, 403.
 */
export function taskNotAssigned(taskId: string): ShoalError {
  return new ShoalError(
    'TASK_NOT_ASSIGNED',
    `cannot update a task not assigned this node: task ${taskId}`,
    { status: statusOf('TASK_NOT_ASSIGNED') },
  );
}
