import type { Node } from '../../../api/objects/node.ts';
import type { Task } from '../../../api/objects/task.ts';
import { isJobMode } from '../../../api/objects/service-spec.ts';
import { currentIterationTasks } from '../job-iteration.ts';
import { acceptsNewTasks, isGlobalEligible, nodeMatchesConstraints } from '../node-fitness.ts';
import type { ServicePlanInput } from '../plan-input.ts';
import { hasEnded, plannedTask, restartContext, stoppedByPolicy } from '../plan-input.ts';
import { planReadyStart, planRestart } from '../restart/restart-planner.ts';
import { isLiveTask, tasksByNode } from '../slots-of.ts';
import type { TaskWrites } from '../task-writes.ts';
import { WritesBuilder } from '../task-writes.ts';

/**
 * What becomes of live tasks on `node`: `keep`, `shutdown` (node down or drained: the
 * tasks may come back with the node, as Swarm does) or `remove` (node gone, or no longer
 * meeting the constraints).
 */
function nodeVerdict(
  node: Node | undefined,
  input: ServicePlanInput,
): 'keep' | 'shutdown' | 'remove' {
  if (!node) return 'remove';
  if (!nodeMatchesConstraints(node, input.service.Spec.TaskTemplate?.Placement?.Constraints)) {
    return 'remove';
  }
  // A disconnected or unknown node keeps its tasks; only down and drained nodes lose them.
  if (node.Status.State === 'down' || node.Spec.Availability === 'drain') return 'shutdown';
  return 'keep';
}

/** Whether a job task finished successfully (nothing more to run on its node). */
function jobDone(history: readonly Task[]): boolean {
  return history.some((t) => t.Status.State === 'complete');
}

/**
 * Plans one global service or global job (swarmkit's global orchestrator, level-triggered):
 * one live task on every eligible node ({@link isGlobalEligible}: up, not drained, meeting
 * the constraints), pre-assigned with `NodeID`. Live tasks on nodes that are gone or fail
 * the constraints are desired `remove`; on down or drained nodes, `shutdown`. A task that
 * ended is restarted on its node per the restart policy (one replacement per node, none
 * while another task there is fine); nodes that do not take new tasks (`pause`) get
 * neither new tasks nor replacements (an ended task there waits for `active`). A node
 * whose last task the restart policy stopped (current spec), or where a global job's
 * current iteration completed, gets no new task. Jobs: older-iteration tasks not yet
 * finished are removed. Pure.
 */
export function planGlobal(input: ServicePlanInput): TaskWrites {
  const { service } = input;
  const out = new WritesBuilder();
  const job = isJobMode(service.Spec.Mode);
  const tasks = job ? currentIterationTasks(service, input.tasks, out) : [...input.tasks];
  const byNode = tasksByNode(tasks);
  if (service.PendingDelete === true) {
    for (const t of input.tasks) if (isLiveTask(t)) out.setDesired(t, 'remove');
    return out.build();
  }
  for (const [nodeId, nodeTasks] of byNode) {
    const node = input.nodes.get(nodeId);
    const verdict = nodeVerdict(node, input);
    const ctx = restartContext(input, nodeTasks);
    const live = nodeTasks.filter(isLiveTask);
    const finished = (t: Task) => job && t.Status.State === 'complete';
    // One replacement per node, and none while another task there is fine.
    let covered = live.some((t) => !hasEnded(t) || finished(t));
    for (const task of live) {
      if (verdict !== 'keep') out.setDesired(task, verdict);
      else if (finished(task)) continue;
      else if (!hasEnded(task)) {
        if (task.DesiredState === 'ready') planReadyStart(ctx, task, out);
      } else if (covered) {
        out.setDesired(task, 'shutdown');
      } else if (node && acceptsNewTasks(node)) {
        // On a paused node the ended task waits: it is restarted once the node takes tasks.
        if (planRestart(ctx, task, out, nodeId)) covered = true;
      }
    }
  }
  for (const node of input.nodes.values()) {
    if (!isGlobalEligible(node, service.Spec.TaskTemplate) || !acceptsNewTasks(node)) continue;
    const history = byNode.get(node.id) ?? [];
    if (history.some(isLiveTask)) continue;
    if (job && jobDone(history)) continue;
    if (stoppedByPolicy(history, service.SpecVersion?.Index, true)) continue;
    out.creates.push(plannedTask(input, { nodeId: node.id }));
  }
  return out.build();
}
