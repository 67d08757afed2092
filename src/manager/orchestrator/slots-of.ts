import type { Service } from '../../api/objects/service.ts';
import { serviceModeName } from '../../api/objects/service-spec.ts';
import type { Task } from '../../api/objects/task.ts';
import { compareTaskStates } from '../../api/objects/task.ts';
import type { Slot } from './service-updater.ts';

/**
 * Whether `task` still belongs to its slot: its desired state is at most `running` (`new`,
 * `ready` and `running` all count), or `complete` (a job task that should run to its end).
 * Tasks desired `shutdown` or `remove` are history, left to the task reaper.
 */
export function isLiveTask(task: Task): boolean {
  return compareTaskStates(task.DesiredState, 'running') <= 0 || task.DesiredState === 'complete';
}

/** Whether the service places one task per node (global and global-job) rather than per slot number. */
export function isGlobalService(service: Service): boolean {
  const mode = serviceModeName(service.Spec.Mode);
  return mode === 'global' || mode === 'global-job';
}

/**
 * Groups `tasks` by `Slot` number, keeping input order inside each group. Every task is
 * grouped, live or not; filter first (e.g. with {@link isLiveTask}) if needed.
 */
export function tasksBySlot(tasks: readonly Task[]): Map<number, Task[]> {
  const groups = new Map<number, Task[]>();
  for (const task of tasks) {
    const group = groups.get(task.Slot);
    if (group) group.push(task);
    else groups.set(task.Slot, [task]);
  }
  return groups;
}

/**
 * Groups `tasks` by `NodeID`, keeping input order inside each group. Tasks without a node
 * (not yet scheduled replicated tasks) are left out.
 */
export function tasksByNode(tasks: readonly Task[]): Map<string, Task[]> {
  const groups = new Map<string, Task[]>();
  for (const task of tasks) {
    if (task.NodeID === undefined) continue;
    const group = groups.get(task.NodeID);
    if (group) group.push(task);
    else groups.set(task.NodeID, [task]);
  }
  return groups;
}

/** Orders tasks oldest first: by creation time, then ID (a stable total order). */
export function compareTaskAge(a: Task, b: Task): number {
  if (a.meta.createdAt !== b.meta.createdAt) return a.meta.createdAt < b.meta.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The live slots of `service` among `tasks` (tasks of other services are ignored): what the
 * orchestrators hand to `ServiceUpdater.update`. Live tasks ({@link isLiveTask}) are grouped
 * by `Slot` for replicated services and jobs, by `NodeID` for global ones; slots come in
 * ascending slot number (or node ID) order, tasks inside a slot oldest first. Empty slots are
 * not returned. Pure; the result is fresh.
 */
export function liveSlots(service: Service, tasks: readonly Task[]): Slot[] {
  const live = tasks.filter((t) => t.ServiceID === service.id && isLiveTask(t));
  live.sort(compareTaskAge);
  if (isGlobalService(service)) {
    const byNode = tasksByNode(live);
    return [...byNode.keys()].sort().map((node) => byNode.get(node) ?? []);
  }
  const bySlot = tasksBySlot(live);
  return [...bySlot.keys()].sort((a, b) => a - b).map((slot) => bySlot.get(slot) ?? []);
}
