import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { ObjectChanged, StoreEvent } from '../../store/store-event.ts';
import type { StoreObject } from '../../store/store-object.ts';
import type { Subscription } from '../../store/subscription.ts';
import type { TableSpec } from '../../store/table-spec.ts';

/** Resolves after pending I/O and already-queued callbacks have run (not a timer). */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How a loop is set up by its subclass. */
export interface LoopOptions {
  /** For logs. */
  readonly name: string;
  /** Tables whose changes the loop hears about. */
  readonly tables: readonly TableSpec<StoreObject>[];
  /** Period of the full safety sweep, in clock milliseconds. */
  readonly sweepMs: number;
  /**
   * Batch dirty keys instead of passing at once: a pass runs `batchMs` after the first
   * dirty key, or at once when more than `batchLimit` keys are dirty (the task reaper's
   * 250 ms / 1000). Unset: every dirty key schedules a pass immediately.
   */
  readonly batch?: { readonly batchMs: number; readonly batchLimit: number };
}

/**
 * The thin, level-triggered shell every leader control loop here shares (swarmkit's event
 * loop plus a periodic sweep). Store events become dirty keys ({@link markDirty}); passes
 * run one at a time, coalescing everything dirtied meanwhile; a full sweep runs at
 * `start()` (so a new leader converges from whatever the store holds), every `sweepMs`,
 * and after a watch overflow or a snapshot restore. A pass that throws is logged and its
 * keys are retried on the next pass. Timers come only from the injected clock.
 */
export abstract class OrchestrationLoop {
  protected readonly logger: Logger;
  private dirty = new Set<string>();
  private full = false;
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private running = false;
  private subscription: Subscription | undefined;
  private sweepTimer: CancelTimer | undefined;
  private batchTimer: CancelTimer | undefined;
  private readonly wakeTimers = new Map<string, { at: number; cancel: CancelTimer }>();

  protected constructor(
    protected readonly store: MemoryStore,
    protected readonly clock: Clock,
    logger: Logger | undefined,
    private readonly options: LoopOptions,
  ) {
    this.logger = (logger ?? silentLogger).child({ component: options.name });
  }

  /** Starts watching and runs a full pass. Calling it twice is harmless. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.subscribe();
    this.scheduleSweep();
    this.markAll();
  }

  /** Stops watching and timers, then waits for the pass in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.subscription?.close();
    this.subscription = undefined;
    this.sweepTimer?.();
    this.batchTimer?.();
    this.batchTimer = undefined;
    for (const timer of this.wakeTimers.values()) timer.cancel();
    this.wakeTimers.clear();
    await this.chain;
  }

  /** Resolves once no pass is running or queued (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.queued) await this.chain;
    await this.chain;
  }

  /** Handles one change of a watched table: mark the keys it affects dirty. */
  protected abstract onChange(event: ObjectChanged): void;

  /**
   * Reconciles `keys` (or everything when `full`). Runs alone; may call
   * {@link wakeAt} to be run again later for a key.
   */
  protected abstract pass(keys: ReadonlySet<string>, full: boolean): Promise<void>;

  /** Marks `key` dirty and schedules a pass. */
  protected markDirty(key: string): void {
    this.dirty.add(key);
    const batch = this.options.batch;
    if (!batch || this.dirty.size > batch.batchLimit) {
      this.kick();
      return;
    }
    if (this.batchTimer || !this.running) return;
    this.batchTimer = this.clock.setTimer(batch.batchMs, () => {
      this.batchTimer = undefined;
      this.kick();
    });
  }

  /** Schedules a full pass. */
  protected markAll(): void {
    this.full = true;
    this.kick();
  }

  /** Marks `key` dirty at clock time `at` (kept only if earlier than the one already set). */
  protected wakeAt(key: string, at: number): void {
    const existing = this.wakeTimers.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.wakeTimers.delete(key);
      if (this.running) this.markDirty(key);
    });
    this.wakeTimers.set(key, { at, cancel });
  }

  private kick(): void {
    if (!this.running || this.queued) return;
    this.queued = true;
    // Yield to the event loop first, so every store event already published reaches
    // onChange and one pass covers a whole burst of transactions.
    this.chain = this.chain.then(yieldToEvents).then(() => this.runPass());
  }

  private async runPass(): Promise<void> {
    this.queued = false;
    if (!this.running) return;
    const keys = this.dirty;
    const full = this.full;
    this.dirty = new Set();
    this.full = false;
    try {
      await this.pass(keys, full);
    } catch (error) {
      this.logger.warn('pass failed; retrying', { error: String(error) });
      for (const key of keys) this.dirty.add(key);
      this.full ||= full;
      // Retry after the conflicting write has landed, not in a tight loop.
      this.wakeAt('*retry*', this.clock.now() + 100);
    }
  }

  private subscribe(): void {
    const subscription = this.store.watch({ tables: this.options.tables });
    this.subscription = subscription;
    void this.consume(subscription);
  }

  private async consume(subscription: Subscription): Promise<void> {
    try {
      for await (const event of subscription) this.onEvent(event);
    } catch (error) {
      // Overflow: events were lost, so re-read everything and watch again.
      this.logger.warn('watch failed; resyncing', { error: String(error) });
      if (this.running && this.subscription === subscription) {
        this.subscribe();
        this.markAll();
      }
    }
  }

  private onEvent(event: StoreEvent): void {
    if (event.kind === 'committed') return;
    if (event.kind === 'restored') this.markAll();
    else this.onChange(event);
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.clock.setTimer(this.options.sweepMs, () => {
      if (!this.running) return;
      this.markAll();
      this.scheduleSweep();
    });
  }
}
