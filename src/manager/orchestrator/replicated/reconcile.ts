import type { Task } from '../../../api/objects/task.ts';
import { isNodeInvalid } from '../node-fitness.ts';
import type { ServicePlanInput } from '../plan-input.ts';
import {
  hasEnded,
  plannedTask,
  restartContext,
  slotsOfInput,
  stoppedByPolicy,
} from '../plan-input.ts';
import { planReadyStart, planRestart } from '../restart/restart-planner.ts';
import type { TaskWrites } from '../task-writes.ts';
import { WritesBuilder } from '../task-writes.ts';

interface RankedSlot {
  readonly slot: number;
  readonly running: boolean;
  /** n-th copy of the service on its node (1, 2, ...); Infinity when not on one node. */
  readonly index: number;
}

/**
 * The slots to keep when scaling down to `replicas` (swarmkit's scale-down order): slots
 * are indexed as the n-th copy of the service on their node (counting running slots
 * first), and the lowest indices are kept, running before not running, lower slot numbers
 * before higher; so the busiest nodes lose tasks first, and highest slots stop first.
 */
export function slotsToKeep(
  live: ReadonlyMap<number, readonly Task[]>,
  replicas: number,
): Set<number> {
  const slots = [...live.entries()].map(([slot, slotTasks]) => ({
    slot,
    tasks: slotTasks,
    running: slotTasks.some((t) => t.Status.State === 'running'),
  }));
  slots.sort((a, b) => Number(b.running) - Number(a.running) || a.slot - b.slot);
  const perNode = new Map<string, number>();
  const ranked: RankedSlot[] = slots.map(({ slot, tasks, running }) => {
    const node = tasks.length === 1 ? tasks[0]?.NodeID : undefined;
    if (node === undefined) return { slot, running, index: Infinity };
    const index = (perNode.get(node) ?? 0) + 1;
    perNode.set(node, index);
    return { slot, running, index };
  });
  ranked.sort(
    (a, b) => a.index - b.index || Number(b.running) - Number(a.running) || a.slot - b.slot,
  );
  return new Set(ranked.slice(0, replicas).map((r) => r.slot));
}

/** Whether the task must be replaced: it stopped, or its node is gone, down or drained. */
function isFailing(task: Task, input: ServicePlanInput): boolean {
  if (hasEnded(task)) return true;
  return task.NodeID !== undefined && isNodeInvalid(input.nodes.get(task.NodeID));
}

/** The `n` smallest slot numbers ≥ 1 not in `taken`. */
function freeSlots(taken: ReadonlySet<number>, n: number): number[] {
  const out: number[] = [];
  for (let slot = 1; out.length < n; slot++) if (!taken.has(slot)) out.push(slot);
  return out;
}

/**
 * Plans one replicated service (swarmkit's replicated orchestrator and restart supervisor,
 * level-triggered). In order:
 * 1. a service being deleted (`PendingDelete`) gets every live task desired `remove`;
 * 2. with more live slots than `Replicas`, the slots {@link slotsToKeep} leaves out get
 *    their live tasks desired `remove`;
 * 3. in the kept slots, a task that ended, or whose node is gone, down or drained, is
 *    restarted ({@link planRestart}: desired `shutdown`, replacement desired `ready`),
 *    at most once per slot and not while another task of the slot is fine (then it is
 *    only shut down); held replacements are started when due ({@link planReadyStart});
 * 4. missing slots are added, reusing the smallest free slot numbers; a slot whose last
 *    task the restart policy stopped under the current spec stays empty.
 * Pure: the input in, the writes out (with `wakeAt` for pending delays).
 */
export function planReplicated(input: ServicePlanInput): TaskWrites {
  const { service } = input;
  const out = new WritesBuilder();
  const { all, live } = slotsOfInput(input);
  if (service.PendingDelete === true) {
    for (const slotTasks of live.values()) for (const t of slotTasks) out.setDesired(t, 'remove');
    return out.build();
  }
  const replicas = service.Spec.Mode?.Replicated?.Replicas ?? 1;
  const keep = live.size > replicas ? slotsToKeep(live, replicas) : new Set(live.keys());
  // Every kept slot stays filled: its task lives, is replaced, or was stopped by policy.
  let filled = keep.size;
  for (const [slot, slotTasks] of live) {
    if (!keep.has(slot)) {
      for (const t of slotTasks) out.setDesired(t, 'remove');
      continue;
    }
    // One replacement per slot, and none while another task of the slot is fine.
    let covered = slotTasks.some((t) => !isFailing(t, input));
    for (const task of slotTasks) {
      if (!isFailing(task, input)) {
        if (task.DesiredState === 'ready') {
          planReadyStart(restartContext(input, all.get(slot) ?? slotTasks), task, out);
        }
      } else if (covered) {
        out.setDesired(task, 'shutdown');
      } else if (planRestart(restartContext(input, all.get(slot) ?? slotTasks), task, out)) {
        covered = true;
      }
    }
  }
  const taken = new Set<number>(keep);
  for (const [slot, history] of all) {
    if (live.has(slot)) continue;
    if (stoppedByPolicy(history, service.SpecVersion?.Index, false)) {
      taken.add(slot);
      filled++;
    }
  }
  for (const slot of freeSlots(taken, Math.max(0, replicas - filled))) {
    out.creates.push(plannedTask(input, { slot }));
  }
  return out.build();
}
