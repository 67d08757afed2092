import type { Node } from '../../../api/objects/node.ts';
import type { Service } from '../../../api/objects/service.ts';
import { isJobMode } from '../../../api/objects/service-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import type { TaskFactoryDeps } from '../task-factory.ts';
import { isoTime } from '../task-status.ts';
import { newTask } from '../task-factory.ts';
import type { WritesBuilder } from '../task-writes.ts';
import { readyDecision, shouldRestart } from './restart-policy.ts';

/** What the restart planner reads: one service's slot and the cluster's nodes. */
export interface RestartContext {
  readonly service: Service;
  /** Every task of the slot (every desired state), the task in question included. */
  readonly slotTasks: readonly Task[];
  readonly nodes: ReadonlyMap<string, Node>;
  readonly now: number;
  readonly factory: TaskFactoryDeps;
  readonly defaultLogDriver?: Task['LogDriver'];
}

/**
 * Plans the restart of `task` (swarmkit's `Supervisor.Restart`): the task is desired
 * `shutdown`; if the restart policy allows ({@link shouldRestart}) a replacement is made
 * in the same slot, desired `ready` (raised later by {@link planReadyStart}), pre-assigned to
 * `nodeId` when given (global services). Returns the replacement, if any.
 */
export function planRestart(
  ctx: RestartContext,
  task: Task,
  out: WritesBuilder,
  nodeId?: string,
): Task | undefined {
  out.setDesired(task, 'shutdown');
  if (!shouldRestart(ctx.service, task, ctx.slotTasks, ctx.now)) return undefined;
  const created = newTask(
    ctx.service,
    {
      slot: task.Slot,
      desiredState: 'ready',
      ...(nodeId === undefined ? {} : { nodeId }),
      ...(ctx.defaultLogDriver === undefined ? {} : { defaultLogDriver: ctx.defaultLogDriver }),
    },
    ctx.factory,
  );
  out.creates.push(created);
  // The new task is not stored yet; planners treat it as a live task of the slot.
  const at = isoTime(ctx.now);
  return { ...created, meta: { version: 0, createdAt: at, updatedAt: at } };
}

/**
 * Raises the held replacement `task` (desired `ready`) to `running` (`complete` for jobs)
 * once {@link readyDecision} says so, or asks to be woken when it might.
 */
export function planReadyStart(ctx: RestartContext, task: Task, out: WritesBuilder): void {
  const decision = readyDecision(ctx.service, task, ctx.slotTasks, ctx.nodes, ctx.now);
  if (decision.kind === 'wait') {
    out.wakeAt(decision.until);
    return;
  }
  out.setDesired(task, isJobMode(ctx.service.Spec.Mode) ? 'complete' : 'running');
}
