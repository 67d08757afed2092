import type { Node } from '../../api/objects/node.ts';
import type { Service } from '../../api/objects/service.ts';
import type { Task } from '../../api/objects/task.ts';
import { isTerminalTaskState } from '../../api/objects/task.ts';
import type { RandomBytes } from '../../api/ids.ts';
import { secureRandomBytes } from '../../api/ids.ts';
import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { ObjectChanged } from '../../store/store-event.ts';
import { isChangeOf } from '../../store/store-event.ts';
import { clusters, nodes, services, tasks } from '../../store/tables.ts';
import { OrchestrationLoop } from './orchestration-loop.ts';
import type { ServicePlanInput } from './plan-input.ts';
import type { ServiceUpdater } from './service-updater.ts';
import { isLiveTask, liveSlots } from './slots-of.ts';
import type { TaskWrites } from './task-writes.ts';
import { applyTaskWrites, WritesBuilder } from './task-writes.ts';

/** What every orchestrator shell is given. */
export interface OrchestratorDeps {
  /**
   * Timers and `now`. Restart delays are measured from a task's `meta.createdAt`, which the
   * store stamps with its own clock: give the store and the orchestrators the same clock.
   */
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Entropy for task IDs; default node:crypto. */
  readonly randomBytes?: RandomBytes;
  /** The rolling updater, called after each reconcile of a non-job service. */
  readonly updater?: ServiceUpdater;
}

/** Period of the full safety sweep of the orchestrators: 10 s. */
export const ORCHESTRATOR_SWEEP_MS = 10_000;

/**
 * The shell shared by the replicated, global and job orchestrators: a level-triggered
 * {@link OrchestrationLoop} keyed by service ID. A changed service, or a task of it created,
 * deleted, stopped or given a new desired state, makes the service dirty; a node change makes every service dirty. Each pass re-reads each
 * dirty service of this orchestrator's kind ({@link owns}), runs the pure planner
 * ({@link plan}), applies its writes ({@link applyTaskWrites}), re-arms the wake-up the plan
 * asked for, and hands the service's live slots to the updater. Tasks of a deleted service
 * are desired `remove` by the orchestrator that owned it (and, on sweeps, by the one with
 * `sweepsOrphans`).
 */
export abstract class ServiceOrchestrator extends OrchestrationLoop {
  private readonly randomBytes: RandomBytes;
  private readonly updater: ServiceUpdater | undefined;

  protected constructor(
    store: MemoryStore,
    deps: OrchestratorDeps,
    name: string,
    private readonly sweepsOrphans = false,
  ) {
    super(store, deps.clock, deps.logger, {
      name,
      tables: [services, tasks, nodes],
      sweepMs: ORCHESTRATOR_SWEEP_MS,
    });
    this.randomBytes = deps.randomBytes ?? secureRandomBytes;
    this.updater = deps.updater;
  }

  /** Whether this orchestrator reconciles `service` (by its mode). */
  protected abstract owns(service: Service): boolean;

  /** The pure planner of one service. */
  protected abstract plan(input: ServicePlanInput): TaskWrites;

  /** Whether the updater follows services of this kind (not jobs). */
  protected abstract usesUpdater(service: Service): boolean;

  protected onChange(event: ObjectChanged): void {
    if (isChangeOf(services, event)) {
      if (!this.owns(event.object)) return;
      if (event.kind === 'deleted' && this.usesUpdater(event.object))
        this.updater?.cancel(event.object.id);
      this.markDirty(event.object.id);
    } else if (isChangeOf(tasks, event)) {
      if (event.kind !== 'updated' || taskMatters(event.previous, event.object)) {
        this.markDirty(event.object.ServiceID);
      }
    } else if (isChangeOf(nodes, event)) {
      if (event.kind !== 'updated' || nodeMatters(event.previous, event.object)) this.markAll();
    }
  }

  protected async pass(keys: ReadonlySet<string>, full: boolean): Promise<void> {
    const ids = full ? this.allServiceIds() : keys;
    const nodeMap = new Map(this.store.all(nodes).map((n) => [n.id, n] as const));
    for (const id of ids) await this.reconcileService(id, nodeMap);
  }

  private allServiceIds(): Set<string> {
    const ids = new Set(
      this.store
        .all(services)
        .filter((s) => this.owns(s))
        .map((s) => s.id),
    );
    if (this.sweepsOrphans) {
      for (const task of this.store.all(tasks)) {
        if (isLiveTask(task) && !this.store.get(services, task.ServiceID)) ids.add(task.ServiceID);
      }
    }
    return ids;
  }

  private async reconcileService(id: string, nodeMap: ReadonlyMap<string, Node>): Promise<void> {
    const service = this.store.get(services, id);
    const serviceTasks = this.store.find(tasks, { index: 'service', value: id });
    if (!service) {
      const out = new WritesBuilder();
      for (const task of serviceTasks) if (isLiveTask(task)) out.setDesired(task, 'remove');
      await applyTaskWrites(this.store, out.build());
      return;
    }
    if (!this.owns(service)) return;
    const driver = this.store.all(clusters)[0]?.Spec.TaskDefaults?.LogDriver;
    const writes = this.plan({
      service,
      tasks: serviceTasks,
      nodes: nodeMap,
      now: this.clock.now(),
      factory: { clock: this.clock, randomBytes: this.randomBytes },
      ...(driver === undefined ? {} : { defaultLogDriver: driver }),
    });
    await applyTaskWrites(this.store, writes);
    if (writes.wakeAt !== undefined) this.wakeAt(id, writes.wakeAt);
    if (!this.usesUpdater(service) || !this.updater) return;
    if (service.PendingDelete === true) {
      this.updater.cancel(id);
    } else {
      const fresh = this.store.get(services, id);
      if (fresh) {
        const current = this.store.find(tasks, { index: 'service', value: id });
        this.updater.update(fresh, liveSlots(fresh, current));
      }
    }
  }
}

/**
 * Whether a task update can change a plan: its desired state moved, or it stopped. Other
 * progress (pending → assigned → running) is the scheduler's and agents' business; the
 * updater watches it on its own.
 */
function taskMatters(before: Task, after: Task): boolean {
  return (
    before.DesiredState !== after.DesiredState ||
    isTerminalTaskState(before.Status.State) !== isTerminalTaskState(after.Status.State)
  );
}

/** Whether a node update can change where tasks belong (not a mere description refresh). */
function nodeMatters(before: Node, after: Node): boolean {
  return (
    before.Status.State !== after.Status.State ||
    before.Role !== after.Role ||
    JSON.stringify(before.Spec) !== JSON.stringify(after.Spec) ||
    JSON.stringify(before.Description) !== JSON.stringify(after.Description)
  );
}
