import type { Service } from '../../../api/objects/service.ts';
import type { Task } from '../../../api/objects/task.ts';
import type { Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/logger.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import type { ObjectChanged } from '../../../store/store-event.ts';
import { isChangeOf } from '../../../store/store-event.ts';
import {
  clusters,
  serviceNodeKey,
  serviceSlotKey,
  services,
  tasks,
} from '../../../store/tables.ts';
import { OrchestrationLoop } from '../orchestration-loop.ts';
import { isGlobalService } from '../slots-of.ts';
import { applyTaskWrites } from '../task-writes.ts';
import { historyLimit, planReap } from './reap-plan.ts';

/** What the task reaper is given. */
export interface TaskReaperDeps {
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** The reaper's batching: a pass 250 ms after the first dirty slot, or at once past 1000. */
export const REAPER_TICK_MS = 250;
/** Dirty slots that trigger a pass at once. */
export const REAPER_MAX_DIRTY = 1000;
/** Period of the reaper's full sweep: 60 s. */
export const REAPER_SWEEP_MS = 60_000;

/**
 * The dirty key of a task's slot: `slot:<service>/<n>`, or `node:<service>@<node>` for
 * tasks of global services (`global`), whose slot is their node.
 */
function slotKeyOf(task: Task, global: boolean): string {
  if (global && task.NodeID !== undefined) {
    return `node:${serviceNodeKey(task.ServiceID, task.NodeID)}`;
  }
  return `slot:${serviceSlotKey(task.ServiceID, task.Slot)}`;
}

/**
 * The task reaper (leader only; swarmkit's `taskreaper`): deletes history beyond the task
 * history limit per slot ({@link historyLimit}), `remove`-desired tasks once stopped, and
 * stopped tasks of deleted services ({@link planReap}). Task and service changes mark slots
 * dirty; a pass runs {@link REAPER_TICK_MS} later or as soon as {@link REAPER_MAX_DIRTY}
 * slots are dirty; a full sweep runs at start and every {@link REAPER_SWEEP_MS}.
 */
export class TaskReaper extends OrchestrationLoop {
  constructor(store: MemoryStore, deps: TaskReaperDeps) {
    super(store, deps.clock, deps.logger, {
      name: 'task-reaper',
      tables: [tasks, services, clusters],
      sweepMs: REAPER_SWEEP_MS,
      batch: { batchMs: REAPER_TICK_MS, batchLimit: REAPER_MAX_DIRTY },
    });
  }

  protected onChange(event: ObjectChanged): void {
    if (isChangeOf(tasks, event)) {
      if (event.kind !== 'deleted')
        this.markDirty(slotKeyOf(event.object, this.isGlobal(event.object)));
    } else if (isChangeOf(services, event)) {
      if (event.kind === 'deleted') {
        const orphans = this.store.find(tasks, { index: 'service', value: event.object.id });
        const global = isGlobalService(event.object);
        for (const task of orphans) this.markDirty(slotKeyOf(task, global));
      }
    } else if (isChangeOf(clusters, event)) {
      this.markAll();
    }
  }

  protected async pass(keys: ReadonlySet<string>, full: boolean): Promise<void> {
    const groups = full ? this.allSlots() : this.slotsOf(keys);
    const clusterLimit = this.store.all(clusters)[0]?.Spec.Orchestration?.TaskHistoryRetentionLimit;
    const doomed: string[] = [];
    const serviceCache = new Map<string, Service | undefined>();
    for (const slotTasks of groups) {
      const serviceId = slotTasks[0]?.ServiceID;
      if (serviceId === undefined) continue;
      if (!serviceCache.has(serviceId))
        serviceCache.set(serviceId, this.store.get(services, serviceId));
      const service = serviceCache.get(serviceId);
      doomed.push(...planReap(slotTasks, service, historyLimit(clusterLimit, service)));
    }
    await applyTaskWrites(this.store, { creates: [], desired: [], deletes: doomed });
  }

  private slotsOf(keys: ReadonlySet<string>): Task[][] {
    const groups: Task[][] = [];
    for (const key of keys) {
      if (key.startsWith('slot:')) {
        groups.push(this.store.find(tasks, { index: 'serviceSlot', value: key.slice(5) }));
      } else if (key.startsWith('node:')) {
        const onNode = this.store.find(tasks, { index: 'serviceNode', value: key.slice(5) });
        groups.push(onNode.filter((t) => t.Slot === 0));
      }
    }
    return groups;
  }

  private isGlobal(task: Task): boolean {
    const service = this.store.get(services, task.ServiceID);
    // A task of a deleted service: Slot 0 with a node is the global shape.
    return service ? isGlobalService(service) : task.Slot === 0;
  }

  private allSlots(): Task[][] {
    const groups = new Map<string, Task[]>();
    for (const task of this.store.all(tasks)) {
      const key = slotKeyOf(task, this.isGlobal(task));
      const group = groups.get(key);
      if (group) group.push(task);
      else groups.set(key, [task]);
    }
    return [...groups.values()];
  }
}
