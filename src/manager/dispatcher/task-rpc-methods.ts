import type { Task, TaskStatus } from '../../api/objects/task.ts';
import { isTaskState } from '../../api/objects/task.ts';
import { rpcError } from '../rpc/rpc-errors.ts';
import type { MethodSpec } from '../rpc/rpc-methods.ts';

/**
 * One message of the assignments stream. The first is `complete`: `updated` is every task of
 * the node (state ≥ `assigned`, any desired state) and `removed` is empty; the agent drops
 * what it holds that is not listed. Later ones are `incremental`: tasks created or changed
 * (other than by their own status reports) and IDs of tasks deleted or moved off the node.
 */
export interface AssignmentsMessage {
  readonly type: 'complete' | 'incremental';
  readonly updated: readonly Task[];
  readonly removed: readonly string[];
}

/** One status report of {@link updateTaskStatusMethod}. */
export interface TaskStatusUpdate {
  readonly taskId: string;
  readonly status: TaskStatus;
}

/** Body of {@link updateTaskStatusMethod}. */
export interface UpdateTaskStatusRequest {
  readonly updates: readonly TaskStatusUpdate[];
}

/**
 * `dispatcher.assignments` (nodes of the cluster): the leader streams the calling node's tasks
 * (the node is the caller's certificate), a `complete` set then `incremental` changes, batched
 * (≤ 100 changes or 100 ms). Off the leader, and when this manager stops leading, it fails with
 * `MANAGER_NOT_LEADER`; the agent reconnects to the leader.
 */
export const assignmentsMethod: MethodSpec<Record<string, never>, AssignmentsMessage> = {
  name: 'dispatcher.assignments',
  kind: 'stream',
  access: 'worker',
  readRequest: () => ({}),
};

/**
 * `dispatcher.updateTaskStatus` (nodes of the cluster): the leader records the statuses of
 * tasks assigned to the caller, in batched store writes, and answers once they are written.
 * A state never moves backwards (older reports are dropped); reports for deleted tasks are
 * dropped. A task assigned to another node fails the whole call with `TASK_NOT_ASSIGNED`.
 */
export const updateTaskStatusMethod: MethodSpec<UpdateTaskStatusRequest, Record<string, never>> = {
  name: 'dispatcher.updateTaskStatus',
  kind: 'unary',
  access: 'worker',
  readRequest: readUpdateTaskStatusRequest,
};

/** Most updates one {@link updateTaskStatusMethod} call may carry. */
export const MAX_STATUS_UPDATES_PER_CALL = 10_000;

/** Validates `{updates: [{taskId, status: {State, ...}}]}`; `RPC_BAD_REQUEST` otherwise. */
export function readUpdateTaskStatusRequest(body: unknown): UpdateTaskStatusRequest {
  const updates = (body as { updates?: unknown } | null)?.updates;
  if (!Array.isArray(updates)) {
    throw rpcError('RPC_BAD_REQUEST', 'the request field "updates" must be an array');
  }
  if (updates.length > MAX_STATUS_UPDATES_PER_CALL) {
    throw rpcError('RPC_BAD_REQUEST', `at most ${MAX_STATUS_UPDATES_PER_CALL} updates per call`);
  }
  return { updates: updates.map(readUpdate) };
}

function readUpdate(raw: unknown, i: number): TaskStatusUpdate {
  const update = raw as { taskId?: unknown; status?: unknown } | null;
  if (typeof update?.taskId !== 'string') {
    throw rpcError('RPC_BAD_REQUEST', `updates[${i}].taskId must be a string`);
  }
  const status = update.status as Partial<TaskStatus> | null | undefined;
  if (typeof status !== 'object' || status === null || Array.isArray(status)) {
    throw rpcError('RPC_BAD_REQUEST', `updates[${i}].status must be an object`);
  }
  if (typeof status.State !== 'string' || !isTaskState(status.State)) {
    throw rpcError('RPC_BAD_REQUEST', `updates[${i}].status.State is not a task state`);
  }
  for (const key of ['Message', 'Err', 'Timestamp'] as const) {
    if (status[key] !== undefined && typeof status[key] !== 'string') {
      throw rpcError('RPC_BAD_REQUEST', `updates[${i}].status.${key} must be a string`);
    }
  }
  return { taskId: update.taskId, status: status as TaskStatus };
}
