import type { RandomBytes } from '../../../api/ids.ts';
import type { Service } from '../../../api/objects/service.ts';
import { isJobMode } from '../../../api/objects/service-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import { compareTaskStates } from '../../../api/objects/task.ts';
import type { CancelTimer, Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/logger.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import { clusters, services, tasks } from '../../../store/tables.ts';
import type { Slot } from '../service-updater.ts';
import { isGlobalService } from '../slots-of.ts';
import type { NewTask } from '../task-factory.ts';
import { newTask } from '../task-factory.ts';
import { isoTime } from '../task-status.ts';
import { jsonEqual } from './json-equal.ts';
import type { SlotJob, SlotStep } from './slot-job.ts';
import { beginSlotJob, cleanTaskOf, stepSlotJob } from './slot-job.ts';
import { SlotReader } from './slot-reader.ts';
import { SlotSteps } from './slot-steps.ts';
import { isSlotDirty, isTaskDirty } from './task-dirty.ts';
import type { UpdatePlan } from './update-plan.ts';
import {
  advancePlan,
  finishSlots,
  isPlanOver,
  observeTasks,
  startPlan,
  updatePolicy,
  watchTasks,
} from './update-plan.ts';
import { applyServiceChange, applyTaskWrites } from './update-writes.ts';
import {
  withRollbackStarted,
  withUpdateCompleted,
  withUpdatePaused,
  withUpdateStarted,
} from './update-status.ts';

/** What an {@link UpdateRun} works with; the {@link Updater} shares one among its runs. */
export interface UpdateRunContext {
  readonly store: MemoryStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly randomBytes: RandomBytes;
}

/** Passes a run makes in one go before yielding; a guard against a step that never settles. */
const MAX_ROUNDS = 64;
/** Wait before retrying a pass whose store write failed. */
const RETRY_MS = 1_000;
/**
 * Failed passes in a row after which the run gives up (and ends): the store keeps refusing
 * writes, e.g. because this manager lost leadership; the next update() call starts afresh.
 */
const MAX_FAILED_PASSES = 10;

/**
 * The shell around one rolling update of one service: it computes the dirty slots, keeps
 * the pure {@link UpdatePlan} and one {@link SlotJob} per slot in flight, reads the store,
 * and writes what they decide (tasks created, desired states, UpdateStatus). It is
 * level-triggered, in passes that never overlap: a {@link poke} naming a changed task
 * re-reads that task and its slot (a dirty set, as swarmkit's orchestrators keep), and a
 * bare poke (start, timers, a failed pass) re-reads everything. `onEnd` is called once the
 * update has nothing left to do; {@link cancel} stops it without calling `onEnd`.
 */
export class UpdateRun {
  private plan: UpdatePlan | undefined;
  private jobs = new Map<string, SlotJob>();
  private readonly slotOf = new Map<string, Task>();
  private readonly reader: SlotReader;
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private failedPasses = 0;
  /** Re-read everything on the next round, not only the changed tasks and slots. */
  private everything = true;
  private changedTasks = new Set<string>();
  private changedSlots = new Set<string>();
  private over = false;
  private timer: { at: number; cancel: CancelTimer } | undefined;

  constructor(
    private readonly ctx: UpdateRunContext,
    /** The service as the orchestrator handed it over: its spec is the update's goal. */
    readonly service: Service,
    private readonly slots: readonly Slot[],
    private readonly onEnd: () => void,
  ) {
    this.reader = new SlotReader(ctx.store, service);
  }

  /** Starts the update; it runs on store events and timers from now on. */
  start(): void {
    this.poke();
  }

  /** Asks for a pass, for `task` (which changed) or for everything; passes never overlap. */
  poke(task?: Task): void {
    if (task === undefined) this.everything = true;
    else {
      this.changedTasks.add(task.id);
      this.changedSlots.add(this.reader.keyOf(task));
    }
    if (this.over || this.queued) return;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      if (this.over) return;
      try {
        await this.pass();
        this.failedPasses = 0;
      } catch (error) {
        this.everything = true;
        const fields = { service: this.service.id, error: String(error) };
        if (++this.failedPasses >= MAX_FAILED_PASSES) {
          this.ctx.logger.error('updater: giving up on the update after repeated failures', fields);
          this.finish();
          return;
        }
        this.ctx.logger.warn('updater: pass failed, retrying', fields);
        this.wakeAt(this.ctx.clock.now() + RETRY_MS);
      }
    });
  }

  /** Stops the update for good; resolves once a pass under way has finished. */
  cancel(): Promise<void> {
    this.over = true;
    this.timer?.cancel();
    this.timer = undefined;
    return this.chain;
  }

  private async pass(): Promise<void> {
    if (this.plan === undefined && !(await this.setUp())) return this.finish();
    for (let round = 0; round < MAX_ROUNDS && !this.over; round++) {
      if (!(await this.round())) break;
    }
    if (this.plan !== undefined && isPlanOver(this.plan)) this.finish();
  }

  /** Works out the dirty slots and the plan; false when there is nothing to update. */
  private async setUp(): Promise<boolean> {
    const { service } = this;
    // An older call's service: a newer update() call is coming and will replace this run.
    const stored = this.storedService();
    const state = stored?.UpdateStatus?.State;
    if (stored === undefined || isJobMode(service.Spec.Mode)) return false;
    if (state === 'paused' || state === 'rollback_paused') return false;
    const inProgress = state === 'updating' || state === 'rollback_started';
    const nodeOf = (task: Task) => this.reader.nodeOf(task);
    const dirty = this.slots.filter(
      (slot) => isSlotDirty(service, slot, nodeOf) || (inProgress && isHeldSlot(slot)),
    );
    if (dirty.length === 0) {
      if (inProgress)
        await this.changeService((s) => withUpdateCompleted(s, service.Spec, this.nowIso()));
      return false;
    }
    if (state === undefined) {
      await this.changeService((s) => withUpdateStarted(s, service.Spec, this.nowIso()));
    }
    const rollback = state === 'rollback_started';
    const config = rollback ? service.Spec.RollbackConfig : service.Spec.UpdateConfig;
    const keys: string[] = [];
    for (const [first] of dirty) {
      if (first === undefined) continue;
      const key = this.reader.keyOf(first);
      keys.push(key);
      this.slotOf.set(key, first);
    }
    this.plan = startPlan(updatePolicy(config, keys.length), keys, rollback);
    return true;
  }

  /**
   * Steps the jobs, the failure watch and the plan once; true if anything moved. If a write
   * fails, the plan and the jobs are put back as they were, so the retry (which re-reads
   * everything) decides again: every write re-reads what it changes and is safe to repeat.
   */
  private async round(): Promise<boolean> {
    const plan = this.plan;
    const jobs = new Map(this.jobs);
    try {
      return await this.tryRound();
    } catch (error) {
      this.plan = plan;
      this.jobs = jobs;
      throw error;
    }
  }

  private async tryRound(): Promise<boolean> {
    const now = this.ctx.clock.now();
    // The spec moved on (a rollback, a user's update): wait for the run to be replaced.
    const service = this.storedService();
    if (service === undefined) return false;
    const { everything, changedSlots, changedTasks } = this;
    this.everything = false;
    this.changedSlots = new Set();
    this.changedTasks = new Set();
    const stepped = new SlotSteps();
    for (const job of this.jobs.values()) {
      if (!everything && !changedSlots.has(job.slot)) continue;
      const first = this.slotOf.get(job.slot) as Task;
      stepped.add(job, stepSlotJob(job, this.reader.viewOf(job, first), now));
    }
    this.keep(stepped, now);
    await applyTaskWrites(this.ctx.store, [], stepped.writes);
    const failed = await this.watchFailures(now, everything ? undefined : changedTasks);
    const step = advancePlan(this.plan as UpdatePlan, now);
    this.plan = step.plan;
    const begun = new SlotSteps();
    const creates: NewTask[] = [];
    for (const slot of step.start) begun.add(undefined, this.begin(service, slot, now, creates));
    this.plan = watchTasks(
      step.plan,
      creates.map((task) => task.id),
    );
    this.keep(begun, now);
    // Jobs just begun are stepped next round, whether or not their writes make events.
    for (const job of begun.ongoing) this.changedSlots.add(job.slot);
    await applyTaskWrites(this.ctx.store, creates, begun.writes);
    if (step.completed) {
      await this.changeService((s) => withUpdateCompleted(s, this.service.Spec, this.nowIso()));
    }
    const wake = [...stepped.wakes, ...begun.wakes].reduce(
      (a, b) => Math.min(a, b),
      step.wakeAt ?? Infinity,
    );
    if (Number.isFinite(wake)) this.wakeAt(wake);
    return stepped.moved || failed || step.start.length > 0 || step.completed;
  }

  /** Keeps the stepped jobs that go on and finishes the slots of those that are done. */
  private keep(steps: SlotSteps, now: number): void {
    for (const job of steps.ongoing) this.jobs.set(job.slot, job);
    for (const slot of steps.done) this.jobs.delete(slot);
    this.plan = finishSlots(this.plan as UpdatePlan, steps.done, now);
  }

  /** Starts replacing `slot`: keeps its clean task, or makes a new one into `creates`. */
  private begin(service: Service, slot: string, now: number, creates: NewTask[]): SlotStep {
    const first = this.slotOf.get(slot) as Task;
    const live = this.reader.liveTasksOf(first);
    const order = (this.plan as UpdatePlan).policy.order;
    if (live.length === 0) {
      // The slot went away meanwhile (scaled down): nothing to replace.
      const job: SlotJob = {
        slot,
        taskId: '',
        created: false,
        order,
        oldTaskIds: [],
        stage: 'done',
      };
      return { job, writes: { shutdown: [], run: [] } };
    }
    const keep = cleanTaskOf(live, (task) => isTaskDirty(service, task, this.reader.nodeOf(task)));
    if (keep !== undefined) {
      return beginSlotJob({ slot, tasks: live, task: keep, created: false, order, now });
    }
    const logDriver = this.ctx.store.all(clusters)[0]?.Spec.TaskDefaults?.LogDriver;
    const made = newTask(
      service,
      {
        ...(isGlobalService(service) ? { nodeId: first.NodeID ?? '' } : { slot: first.Slot }),
        desiredState: order === 'start-first' ? 'running' : 'ready',
        ...(logDriver === undefined ? {} : { defaultLogDriver: logDriver }),
      },
      { clock: this.ctx.clock, randomBytes: this.ctx.randomBytes },
    );
    creates.push(made);
    return beginSlotJob({ slot, tasks: live, task: made, created: true, order, now });
  }

  /**
   * Feeds the states of the watched tasks (those among `changed`, if given) to the plan,
   * and records a failure verdict; true if there was one.
   */
  private async watchFailures(now: number, changed?: ReadonlySet<string>): Promise<boolean> {
    const plan = this.plan as UpdatePlan;
    const ids = changed === undefined ? Object.keys(plan.watched) : [...changed];
    const observations = ids.flatMap((taskId) => {
      const task = this.ctx.store.get(tasks, taskId);
      return task === undefined ? [] : [{ taskId, state: task.Status.State }];
    });
    const { plan: next, verdict } = observeTasks(plan, observations, now);
    this.plan = next;
    if (verdict === undefined) return false;
    const { action, message, taskId } = verdict;
    const spec = this.service.Spec;
    this.ctx.logger.info('updater: failure action', { service: this.service.id, action, taskId });
    await this.changeService((s) =>
      action === 'pause'
        ? withUpdatePaused(s, spec, message)
        : withRollbackStarted(s, spec, message, taskId),
    );
    return true;
  }

  /** The stored service (with a fresher `Endpoint`) if it still has the update's spec. */
  private storedService(): Service | undefined {
    const stored = this.ctx.store.get(services, this.service.id);
    return stored !== undefined && jsonEqual(stored.Spec, this.service.Spec) ? stored : undefined;
  }

  private async changeService(
    change: (stored: Service | undefined) => Service | undefined,
  ): Promise<void> {
    await applyServiceChange(this.ctx.store, this.service.id, change);
  }

  private wakeAt(at: number): void {
    if (this.over || (this.timer !== undefined && this.timer.at <= at)) return;
    this.timer?.cancel();
    const now = this.ctx.clock.now();
    const cancel = this.ctx.clock.setTimer(Math.max(0, at - now), () => {
      this.timer = undefined;
      this.poke();
    });
    this.timer = { at, cancel };
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.onEnd();
  }

  private nowIso(): string {
    return isoTime(this.ctx.clock.now());
  }
}

/** A slot whose one task is held below `running` (a replacement waiting to be started). */
function isHeldSlot(slot: Slot): boolean {
  const [task] = slot;
  return (
    slot.length === 1 && task !== undefined && compareTaskStates(task.DesiredState, 'running') < 0
  );
}
