import type { TaskState, TaskStatus } from '../../api/objects/task.ts';

/** The ISO-8601 form of a clock reading in milliseconds (what `Status.Timestamp` holds). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A task status for a manager-made transition: `State`, Swarm's `Message`, the time `now`
 * (milliseconds, from the caller's injected clock) as `Timestamp`, and `Err` when given.
 * Pure.
 */
export function taskStatus(
  now: number,
  state: TaskState,
  message: string,
  err?: string,
): TaskStatus {
  return {
    Timestamp: isoTime(now),
    State: state,
    Message: message,
    ...(err === undefined ? {} : { Err: err }),
  };
}
