import type { Task } from '../../../api/objects/task.ts';
import { currentIterationTasks } from '../job-iteration.ts';
import { isNodeInvalid } from '../node-fitness.ts';
import type { ServicePlanInput } from '../plan-input.ts';
import { hasEnded, plannedTask, restartContext, stoppedByPolicy } from '../plan-input.ts';
import { planReadyStart, planRestart } from '../restart/restart-planner.ts';
import { isLiveTask, tasksBySlot } from '../slots-of.ts';
import type { TaskWrites } from '../task-writes.ts';
import { WritesBuilder } from '../task-writes.ts';

/** `MaxConcurrent` (default 1) and `TotalCompletions` (default `MaxConcurrent`) of a replicated job. */
export function jobLimits(input: ServicePlanInput): { maxConcurrent: number; total: number } {
  const mode = input.service.Spec.Mode?.ReplicatedJob ?? {};
  const maxConcurrent = mode.MaxConcurrent || 1;
  return { maxConcurrent, total: mode.TotalCompletions ?? maxConcurrent };
}

/**
 * Plans one replicated job (swarmkit's replicated job reconciler, level-triggered). Slots
 * are 0-based, 0..TotalCompletions−1, and a slot is done once one of its tasks of the
 * current `JobIteration` completed. Older-iteration tasks not yet finished are desired
 * `remove`. Current tasks that failed, or whose node is gone, down or drained, are
 * restarted (condition `any` counts as `on-failure`); held replacements are raised to
 * `complete` when due. New tasks (desired `complete`) fill the lowest free slots, at most
 * `min(MaxConcurrent − active, TotalCompletions − done − active)` of them, where active
 * slots have a live task that has not completed; a slot the restart policy gave up on
 * counts as done. Pure.
 */
export function planReplicatedJob(input: ServicePlanInput): TaskWrites {
  const { service } = input;
  const out = new WritesBuilder();
  const tasks = currentIterationTasks(service, input.tasks, out);
  if (service.PendingDelete === true) {
    for (const t of input.tasks) if (isLiveTask(t)) out.setDesired(t, 'remove');
    return out.build();
  }
  const { maxConcurrent, total } = jobLimits(input);
  const done = new Set<number>();
  const active = new Set<number>();
  for (const [slot, slotTasks] of tasksBySlot(tasks)) {
    if (slotTasks.some((t) => t.Status.State === 'complete')) {
      done.add(slot);
      continue;
    }
    const live = slotTasks.filter(isLiveTask);
    if (live.length === 0) {
      if (stoppedByPolicy(slotTasks, service.SpecVersion?.Index, true)) done.add(slot);
      continue;
    }
    const ctx = restartContext(input, slotTasks);
    const failing = (task: Task) =>
      hasEnded(task) || (task.NodeID !== undefined && isNodeInvalid(input.nodes.get(task.NodeID)));
    // One replacement per slot, and none while another task of the slot still runs.
    let stillActive = live.some((t) => !failing(t));
    for (const task of live) {
      if (!failing(task)) {
        if (task.DesiredState === 'ready') planReadyStart(ctx, task, out);
      } else if (stillActive) {
        out.setDesired(task, 'shutdown');
      } else if (planRestart(ctx, task, out)) {
        stillActive = true;
      }
    }
    if (!stillActive) done.add(slot);
    if (stillActive) active.add(slot);
  }
  const wanted = Math.min(maxConcurrent - active.size, total - done.size - active.size);
  let slot = 0;
  for (let made = 0; made < wanted && slot < total; slot++) {
    if (done.has(slot) || active.has(slot)) continue;
    out.creates.push(plannedTask(input, { slot }));
    made++;
  }
  return out.build();
}
