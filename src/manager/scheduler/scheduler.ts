import type { Task } from '../../api/objects/task.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { StoreEvent } from '../../store/store-event.ts';
import { isChangeOf } from '../../store/store-event.ts';
import type { Subscription } from '../../store/subscription.ts';
import { nodes, services, tasks } from '../../store/tables.ts';
import type { Decision, ServiceLookup } from './decision.ts';
import { decidedTask } from './decision.ts';
import type { ExecutorPolicy } from './filters.ts';
import { isoTimestamp } from './iso-timestamp.ts';
import { SchedulerCore } from './scheduler-core.ts';

/** Quiet time after a commit before a pass runs (swarmkit's `commitDebounceGap`). */
export const COMMIT_DEBOUNCE_MS = 50;
/** Longest a pass waits while commits keep coming (swarmkit's `maxLatency`). */
export const MAX_LATENCY_MS = 1000;

/**
 * Undelivered events the scheduler's watch may hold. A pass that writes 100,000 tasks queues
 * that many of its own updates faster than the loop reads them (they interleave on the
 * microtask queue), and the store's default (10,000) would close the watch mid-pass and force
 * a full reload; the events are references to stored objects, so a deep queue is cheap.
 */
export const WATCH_QUEUE_LIMIT = 1_000_000;

/** Decisions written per `batch.update` callback (a transaction holds up to 200 changes). */
const DECISIONS_PER_UPDATE = 50;

/** What the scheduler needs from its environment. */
export interface SchedulerDeps {
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Which executors run which tasks; every executor runs every task by default. */
  readonly executorPolicy?: ExecutorPolicy;
  /** Default {@link WATCH_QUEUE_LIMIT}; past it the scheduler reloads from the store. */
  readonly watchQueueLimit?: number;
}

/**
 * The leader's scheduler loop (swarmkit's `Scheduler.Run`) over a {@link SchedulerCore}.
 * On {@link Scheduler.start} it loads every node and task and watches the `nodes` and
 * `tasks` tables; changes feed the core, and when a change may let a waiting task be placed
 * a pass runs {@link COMMIT_DEBOUNCE_MS} after the last commit (at most
 * {@link MAX_LATENCY_MS} after the first). A pass's writes go out through `store.batch`:
 * `assigned` with the node, `pending` with the reason in `Status.Err`, or `shutdown` for a
 * superseded pending task; each is checked against the version it was decided on, and one
 * that no longer matches (or a transaction that fails) is re-read and tried again later.
 * Only one pass runs at a time. A watch overflow or a store restore reloads everything.
 */
export class Scheduler {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private core: SchedulerCore;
  private subscription: Subscription | undefined;
  private readonly loops = new Set<Promise<void>>();
  private pass: Promise<void> | undefined;
  private dirty = false;
  private debounce: CancelTimer | undefined;
  private debounceStarted = 0;
  private started = false;
  private stopped = false;
  private readonly lookup: ServiceLookup;

  constructor(
    private readonly store: MemoryStore,
    private readonly deps: SchedulerDeps,
  ) {
    this.clock = deps.clock;
    this.logger = (deps.logger ?? silentLogger).child({ component: 'scheduler' });
    this.core = this.newCore();
    this.lookup = (id) => this.store.get(services, id);
  }

  /** Loads the store, starts watching, and runs a first pass at once. Call once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.reload();
  }

  /** Stops watching and timers; resolves once the pass in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.debounce?.();
    this.debounce = undefined;
    this.subscription?.close();
    await Promise.all([...this.loops]);
    await this.pass;
  }

  private newCore(): SchedulerCore {
    const policy = this.deps.executorPolicy;
    return new SchedulerCore(policy ? { executorPolicy: policy } : {});
  }

  /** Rebuilds the core from the store and watches from exactly that state on. */
  private reload(): void {
    this.subscription?.close();
    const core = this.newCore();
    const now = this.clock.now();
    const { subscription } = this.store.viewAndWatch(
      (reader) => {
        for (const node of reader.all(nodes)) core.setNode(node);
        for (const task of reader.all(tasks)) core.setTask(task, now);
      },
      { tables: [nodes, tasks], queueLimit: this.deps.watchQueueLimit ?? WATCH_QUEUE_LIMIT },
    );
    this.core = core;
    this.subscription = subscription;
    const loop = this.consume(subscription).finally(() => this.loops.delete(loop));
    this.loops.add(loop);
    this.dirty = core.queued > 0;
    this.runPass();
  }

  private async consume(subscription: Subscription): Promise<void> {
    try {
      for await (const event of subscription) {
        if (this.stopped || subscription !== this.subscription) return;
        this.onEvent(event);
      }
    } catch (error) {
      if (this.stopped || subscription !== this.subscription) return;
      this.logger.warn('scheduler: watch failed; reloading from the store', {
        error: String(error),
      });
      this.reload();
    }
  }

  private onEvent(event: StoreEvent): void {
    const now = this.clock.now();
    if (event.kind === 'restored') return this.reload();
    if (event.kind === 'committed') return this.onCommit(now);
    if (isChangeOf(tasks, event)) {
      const wake =
        event.kind === 'deleted'
          ? this.core.removeTask(event.object.id)
          : this.core.setTask(event.object, now);
      this.dirty ||= wake;
    } else if (isChangeOf(nodes, event)) {
      if (event.kind === 'deleted') this.core.removeNode(event.object.id);
      else this.dirty ||= this.core.setNode(event.object);
    }
  }

  /** Debounces passes on commits, as swarmkit does: 50 ms of quiet, 1 s at most. */
  private onCommit(now: number): void {
    if (!this.dirty || this.stopped) return;
    if (this.debounce) {
      if (now - this.debounceStarted >= MAX_LATENCY_MS) return this.firePass();
      this.debounce();
    } else {
      this.debounceStarted = now;
    }
    this.debounce = this.clock.setTimer(COMMIT_DEBOUNCE_MS, () => this.firePass());
  }

  private firePass(): void {
    this.debounce?.();
    this.debounce = undefined;
    this.runPass();
  }

  /** Runs a pass now unless one is in flight (it re-arms the debounce when it ends). */
  private runPass(): void {
    if (this.stopped || this.pass || !this.dirty) return;
    this.dirty = false;
    const decisions = this.core.schedule(this.clock.now(), this.lookup);
    if (decisions.length === 0) return;
    const pass = this.commit(decisions, this.core).finally(() => {
      this.pass = undefined;
      if (this.dirty && !this.stopped && !this.debounce) {
        this.debounceStarted = this.clock.now();
        this.debounce = this.clock.setTimer(COMMIT_DEBOUNCE_MS, () => this.firePass());
      }
    });
    this.pass = pass;
  }

  private async commit(decisions: readonly Decision[], core: SchedulerCore): Promise<void> {
    const timestamp = isoTimestamp(this.clock.now());
    const stale: Decision[] = [];
    let failed = false;
    try {
      await this.store.batch(async (batch) => {
        // A few decisions per callback: fewer nested transactions, same per-task checks.
        for (let at = 0; at < decisions.length; at += DECISIONS_PER_UPDATE) {
          const chunk = decisions.slice(at, at + DECISIONS_PER_UPDATE);
          await batch.update((tx) => {
            for (const decision of chunk) {
              const current = tx.get(tasks, decision.task.id);
              if (current?.meta.version !== decision.task.meta.version) stale.push(decision);
              else tx.update(tasks, decidedTask(current, decision, timestamp));
            }
          });
        }
      });
    } catch (error) {
      failed = true;
      this.logger.info('scheduler: commit failed; re-reading the tasks to retry', {
        error: String(error),
        code: (error as { code?: unknown }).code,
      });
    }
    // The core counted every decision as landed; re-read the ones that may not have.
    if (core !== this.core) return;
    this.resync(failed ? decisions : stale);
  }

  private resync(decisions: readonly Decision[]): void {
    if (decisions.length === 0) return;
    const now = this.clock.now();
    for (const { task } of decisions) {
      this.core.removeTask(task.id);
      const current: Task | undefined = this.store.get(tasks, task.id);
      if (current) this.core.setTask(current, now);
    }
    this.dirty ||= this.core.queued > 0;
  }
}
