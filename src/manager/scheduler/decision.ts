import type { Version } from '../../api/objects/common.ts';
import type { Task } from '../../api/objects/task.ts';

/** Status message of a task the scheduler placed. */
export const ASSIGNED_MESSAGE = 'scheduler assigned task to node';
/** Status message of a pre-assigned (global) task the scheduler found fits its node. */
export const PREASSIGNED_MESSAGE = 'scheduler confirmed task can run on preassigned node';

/**
 * One write the scheduler wants, about `task` as it was when decided (its `meta.version` is
 * what the write must still find):
 * - `assign`: state `assigned` on `nodeId` with `message`;
 * - `pending`: stays `pending` with `Status.Err` = `err` (only made when the reason changed);
 * - `shutdown`: a pending task of an older service version whose desired state is at least
 *   `shutdown` goes to state `shutdown` without ever running.
 */
export type Decision =
  | {
      readonly kind: 'assign';
      readonly task: Task;
      readonly nodeId: string;
      readonly message: string;
    }
  | { readonly kind: 'pending'; readonly task: Task; readonly err: string }
  | { readonly kind: 'shutdown'; readonly task: Task };

/** The part of a service the scheduler reads: its current spec version. */
export interface ServiceVersionView {
  readonly SpecVersion?: Version;
}

/** Finds a service by ID (undefined once it is gone). */
export type ServiceLookup = (serviceId: string) => ServiceVersionView | undefined;

/**
 * The task a decision writes: `current` (the stored task, still at the decided version)
 * with the decision's status and node, stamped `timestamp` (ISO-8601). Pure.
 */
export function decidedTask(current: Task, decision: Decision, timestamp: string): Task {
  switch (decision.kind) {
    case 'assign':
      return {
        ...current,
        NodeID: decision.nodeId,
        Status: { State: 'assigned', Message: decision.message, Timestamp: timestamp },
      };
    case 'pending':
      return { ...current, Status: { ...current.Status, Err: decision.err, Timestamp: timestamp } };
    case 'shutdown': {
      // Swarm keeps the message and clears the error.
      const { Err: _err, ...status } = current.Status;
      return { ...current, Status: { ...status, State: 'shutdown', Timestamp: timestamp } };
    }
  }
}
