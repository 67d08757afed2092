import type { Node } from '../../../src/api/objects/node.ts';
import type { Task } from '../../../src/api/objects/task.ts';
import type { Decision, ServiceLookup } from '../../../src/manager/scheduler/decision.ts';
import { SchedulerCore } from '../../../src/manager/scheduler/scheduler-core.ts';
import { servicesAt } from './fixtures.ts';

/** A core holding `nodes` and `tasks` (tasks taken in at time 0). */
export function coreWith(nodes: readonly Node[], tasks: readonly Task[] = []): SchedulerCore {
  const core = new SchedulerCore();
  for (const node of nodes) core.setNode(node);
  for (const task of tasks) core.setTask(task, 0);
  return core;
}

/** Runs a pass and returns `taskId → nodeId` for the assignments it made. */
export function placements(
  core: SchedulerCore,
  now = 0,
  services: ServiceLookup = servicesAt(),
): Map<string, string> {
  return assignmentsOf(core.schedule(now, services));
}

/** `taskId → nodeId` of the assignments among `decisions`. */
export function assignmentsOf(decisions: readonly Decision[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of decisions) if (d.kind === 'assign') out.set(d.task.id, d.nodeId);
  return out;
}

/** How many of the assignments went to each node. */
export function perNode(assignments: ReadonlyMap<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of assignments.values()) out[node] = (out[node] ?? 0) + 1;
  return out;
}

/** `taskId → err` of the pending decisions among `decisions`. */
export function errorsOf(decisions: readonly Decision[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of decisions) if (d.kind === 'pending') out.set(d.task.id, d.err);
  return out;
}
