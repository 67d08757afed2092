import type { RandomBytes } from '../../../api/ids.ts';
import type { Service } from '../../../api/objects/service.ts';
import type { Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/logger.ts';
import { silentLogger } from '../../../base/logger.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import type { StoreEvent } from '../../../store/store-event.ts';
import { isChangeOf } from '../../../store/store-event.ts';
import type { Subscription } from '../../../store/subscription.ts';
import { nodes, services, tasks } from '../../../store/tables.ts';
import type { ServiceUpdater, Slot } from '../service-updater.ts';
import { jsonEqual } from './json-equal.ts';
import { UpdateRun } from './update-run.ts';

/** What the {@link Updater} needs injected. */
export interface UpdaterDeps {
  /** All waiting (delays, monitor periods, old-task timeouts) goes through it. */
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Entropy for the IDs of replacement tasks. */
  readonly randomBytes: RandomBytes;
}

/**
 * The rolling updater (swarmkit's `update.Supervisor` and `Updater`), a leader component:
 * see {@link ServiceUpdater} for the contract. At most one update runs per service; each is
 * an {@link UpdateRun}. The updater watches the task and service tables so its runs react
 * to task state changes at once, and a removed service's update stops. All waiting uses
 * the injected clock. Everything it needs to continue is in the store (UpdateStatus, which
 * tasks are clean), so a new leader's updater, handed the same slots, carries on.
 * `stop()` ends every update; `update()` may be called again afterwards.
 */
export class Updater implements ServiceUpdater {
  private readonly runs = new Map<string, UpdateRun>();
  private readonly logger: Logger;
  private subscription: Subscription | undefined;
  private pump: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: MemoryStore,
    private readonly deps: UpdaterDeps,
  ) {
    this.logger = (deps.logger ?? silentLogger).child({ component: 'updater' });
  }

  /**
   * Starts updating `service` toward its current spec if some of `slots` are dirty. Does
   * nothing while an update toward the same spec runs, or while the service's update is
   * `paused` / `rollback_paused`; an update toward another spec is cancelled first.
   */
  update(service: Service, slots: readonly Slot[]): void {
    const running = this.runs.get(service.id);
    if (running !== undefined) {
      if (running.service.Spec === service.Spec || jsonEqual(running.service.Spec, service.Spec)) {
        return;
      }
      this.cancel(service.id);
    }
    const state = service.UpdateStatus?.State;
    if (state === 'paused' || state === 'rollback_paused') return;
    this.ensureWatch();
    const run: UpdateRun = new UpdateRun(
      {
        store: this.store,
        clock: this.deps.clock,
        logger: this.logger,
        randomBytes: this.deps.randomBytes,
      },
      service,
      slots,
      () => {
        if (this.runs.get(service.id) === run) this.runs.delete(service.id);
      },
    );
    this.runs.set(service.id, run);
    run.start();
  }

  /** Stops the update of `serviceId`, if any; a write under way may still land. */
  cancel(serviceId: string): void {
    const run = this.runs.get(serviceId);
    if (run === undefined) return;
    this.runs.delete(serviceId);
    void run.cancel();
  }

  /** Stops every update and the watch; resolves once no pass is under way. */
  async stop(): Promise<void> {
    const runs = [...this.runs.values()];
    this.runs.clear();
    this.subscription?.close();
    this.subscription = undefined;
    await Promise.all(runs.map((run) => run.cancel()));
    await this.pump;
  }

  /** Services with an update under way (for tests and diagnostics). */
  get activeServices(): string[] {
    return [...this.runs.keys()];
  }

  private ensureWatch(): void {
    if (this.subscription !== undefined) return;
    const subscription = this.store.watch({
      tables: [tasks, services, nodes],
      kinds: ['created', 'updated', 'deleted'],
    });
    this.subscription = subscription;
    this.pump = this.consume(subscription);
  }

  private async consume(subscription: Subscription): Promise<void> {
    try {
      for await (const event of subscription) this.dispatch(event);
    } catch (error) {
      // The watch overflowed: re-watch, and let every run re-read the store.
      this.logger.warn('updater: watch failed, re-watching', { error: String(error) });
      if (this.subscription === subscription) {
        this.subscription = undefined;
        if (this.runs.size > 0) this.ensureWatch();
        for (const run of this.runs.values()) run.poke();
      }
    }
  }

  private dispatch(event: StoreEvent): void {
    if (isChangeOf(nodes, event)) {
      // A node going down ends waits on its tasks (they will never report stopping).
      for (const run of this.runs.values()) run.poke();
      return;
    }
    if (isChangeOf(services, event)) {
      if (event.kind === 'deleted') this.cancel(event.object.id);
      return;
    }
    if (isChangeOf(tasks, event)) this.runs.get(event.object.ServiceID)?.poke(event.object);
  }
}
