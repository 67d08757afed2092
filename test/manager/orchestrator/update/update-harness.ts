import { setImmediate as nextTurn } from 'node:timers/promises';
import { rngRandomBytes } from '../../../../src/api/ids.ts';
import type { Service } from '../../../../src/api/objects/service.ts';
import type { ServiceSpec, UpdateConfig } from '../../../../src/api/objects/service-spec.ts';
import type { Task, TaskState } from '../../../../src/api/objects/task.ts';
import { compareTaskStates, isTerminalTaskState } from '../../../../src/api/objects/task.ts';
import { ManualClock } from '../../../../src/base/clock.ts';
import { SeededRng } from '../../../../src/base/rng.ts';
import { TaskAllocator } from '../../../../src/manager/allocator/task-allocator.ts';
import { ReplicatedOrchestrator } from '../../../../src/manager/orchestrator/replicated/replicated-orchestrator.ts';
import { liveSlots } from '../../../../src/manager/orchestrator/slots-of.ts';
import { isoTime } from '../../../../src/manager/orchestrator/task-status.ts';
import { newTask } from '../../../../src/manager/orchestrator/task-factory.ts';
import { Updater } from '../../../../src/manager/orchestrator/update/updater.ts';
import { ShoalError } from '../../../../src/base/errors.ts';
import { MemoryStore } from '../../../../src/store/memory-store.ts';
import type { Transaction } from '../../../../src/store/transaction.ts';
import { isChangeOf } from '../../../../src/store/store-event.ts';
import type { Subscription } from '../../../../src/store/subscription.ts';
import { clusterTables, nodes, services, tasks } from '../../../../src/store/tables.ts';

/** 2024-01-01T00:00:00Z. */
export const T0 = Date.UTC(2024, 0, 1);
/** The one service of a harness. */
export const SERVICE_ID = 'svc1';

/** How the fake agent treats tasks of one image. */
export interface ImageBehaviour {
  /** Fail at start ("task: non-zero exit (1)") instead of running. */
  readonly failOnStart?: boolean;
  /** Run, then fail this many ms later. */
  readonly failAfterMs?: number;
}

/**
 * A rolling-update test bench: a proposer-less store on a ManualClock, one node (one per
 * task for a global service), one service of `app:v1` tasks, the real {@link Updater}, a
 * fake orchestrator that hands the service's live slots to the updater after every change
 * (as the orchestrators do after each reconcile), and a fake agent that moves tasks to
 * their desired state at once (images can be told to fail). `log` records, in apply order, every task created
 * (`+1:v2 ready`), desired-state change (`1:v1 → shutdown`) and state change
 * (`1:v1 = running`); `1:v2` is slot 1's task of image `app:v2`.
 */
export class UpdateHarness {
  readonly clock = new ManualClock(T0);
  readonly store: MemoryStore;
  readonly log: string[] = [];
  readonly images = new Map<string, ImageBehaviour>();
  /** Images whose tasks ignore shutdown (stubborn old tasks). */
  readonly stubborn = new Set<string>();
  updater: Updater;
  private readonly rng = new SeededRng(11);
  private readonly watches: Subscription[] = [];
  private readonly loops: Promise<void>[] = [];
  private orchestrating = true;
  private readonly components: { start(): void; stop(): Promise<void> }[] = [];

  /**
   * `makeStore` builds the store (default: a plain proposer-less cluster store). With
   * `pipeline`, the real task allocator and replicated orchestrator replace the fake
   * orchestrator, and the agent also plays the scheduler (`pending` → `assigned`).
   */
  constructor(
    private readonly options: {
      makeStore?: (clock: ManualClock) => MemoryStore;
      pipeline?: boolean;
    } = {},
  ) {
    this.store =
      options.makeStore?.(this.clock) ??
      new MemoryStore({ tables: clusterTables }, { clock: this.clock });
    this.updater = this.newUpdater();
  }

  /** A fresh Updater on the same store (a new leader's). */
  newUpdater(): Updater {
    return new Updater(this.store, {
      clock: this.clock,
      randomBytes: rngRandomBytes(this.rng.fork(`u${this.loops.length}`)),
    });
  }

  /** Creates the node and the service with `replicas` running `app:v1` tasks, then starts the loops. */
  async start(
    replicas: number,
    config: { update?: UpdateConfig; rollback?: UpdateConfig; global?: boolean } = {},
  ): Promise<void> {
    const global = config.global === true;
    const spec: ServiceSpec = {
      Name: 'web',
      Mode: global ? { Global: {} } : { Replicated: { Replicas: replicas } },
      TaskTemplate: { ContainerSpec: { Image: 'app:v1' } },
      ...(config.update === undefined ? {} : { UpdateConfig: config.update }),
      ...(config.rollback === undefined ? {} : { RollbackConfig: config.rollback }),
    };
    await this.store.update((tx) => {
      for (let n = 1; n <= (global ? replicas : 1); n++) {
        tx.create(nodes, {
          id: `node${n}`,
          Spec: { Availability: 'active' },
          Status: { State: 'ready' },
          Role: 'worker',
          Membership: 'accepted',
        });
      }
      tx.create(services, { id: SERVICE_ID, Spec: spec, SpecVersion: { Index: 0 } });
    });
    const service = this.service();
    const deps = { clock: this.clock, randomBytes: rngRandomBytes(this.rng.fork('seed')) };
    await this.store.update((tx) => {
      for (let slot = 1; slot <= replicas; slot++) {
        const where = global ? { nodeId: `node${slot}` } : { slot };
        const task = newTask(service, where, deps);
        tx.create(tasks, {
          ...task,
          NodeID: global ? `node${slot}` : 'node1',
          Status: { ...task.Status, State: 'running' },
        });
      }
    });
    this.follow();
    if (this.options.pipeline === true) {
      const deps = {
        clock: this.clock,
        randomBytes: rngRandomBytes(this.rng.fork('orchestrator')),
      };
      this.components.push(
        new TaskAllocator(this.store, deps),
        new ReplicatedOrchestrator(this.store, { ...deps, updater: this.updater }),
      );
      for (const component of this.components) component.start();
    } else this.orchestrate();
    await this.settle();
  }

  /** The service as stored. */
  service(): Service {
    const service = this.store.get(services, SERVICE_ID);
    if (service === undefined) throw new Error('no service');
    return service;
  }

  /** Every task of the service. */
  tasks(): Task[] {
    return this.store.find(tasks, { index: 'service', value: SERVICE_ID });
  }

  /** Labels (`1:v2`) of the live tasks (desired running or lower), sorted. */
  live(): string[] {
    return this.tasks()
      .filter((t) => compareTaskStates(t.DesiredState, 'running') <= 0)
      .map(label)
      .sort();
  }

  /** Writes a new spec as the control API does: PreviousSpec, SpecVersion, no UpdateStatus. */
  async updateSpec(change: (spec: ServiceSpec) => ServiceSpec): Promise<void> {
    await this.write((tx) => {
      const { UpdateStatus: _dropped, ...current } = tx.get(services, SERVICE_ID) as Service;
      tx.update(services, {
        ...current,
        PreviousSpec: current.Spec,
        ...(current.SpecVersion === undefined ? {} : { PreviousSpecVersion: current.SpecVersion }),
        Spec: change(current.Spec),
        SpecVersion: { Index: current.meta.version },
      });
    });
    await this.settle();
  }

  /** Sets the image of the task template. */
  image(image: string): (spec: ServiceSpec) => ServiceSpec {
    return (spec) => ({
      ...spec,
      TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: { Image: image } },
    });
  }

  /** `docker service rollback` as the control API does it. */
  async rollbackManually(): Promise<void> {
    await this.write((tx) => {
      const current = tx.get(services, SERVICE_ID) as Service;
      const previous = current.PreviousSpec;
      if (previous === undefined) throw new Error('no previous spec');
      tx.update(services, {
        ...current,
        Spec: previous,
        PreviousSpec: current.Spec,
        ...(current.PreviousSpecVersion === undefined
          ? {}
          : { SpecVersion: current.PreviousSpecVersion }),
        ...(current.SpecVersion === undefined ? {} : { PreviousSpecVersion: current.SpecVersion }),
        UpdateStatus: {
          State: 'rollback_started',
          StartedAt: isoTime(this.clock.now()),
          Message: 'manually requested rollback',
        },
      });
    });
    await this.settle();
  }

  /** Hands the service's live slots to the updater, as an orchestrator's reconcile does. */
  kick(): void {
    const service = this.store.get(services, SERVICE_ID);
    if (service !== undefined && this.orchestrating)
      this.updater.update(service, liveSlots(service, this.tasks()));
  }

  /** Stops the current updater (leadership lost); no kicks until {@link takeOver}. */
  async loseLeadership(): Promise<void> {
    this.orchestrating = false;
    await this.updater.stop();
    await this.settle();
  }

  /** A new leader: a new Updater on the same store, handed the slots again. */
  async takeOver(): Promise<void> {
    this.updater = this.newUpdater();
    this.orchestrating = true;
    this.kick();
    await this.settle();
  }

  /** Lets every pending promise, watch event and write run (no wall-clock waiting). */
  async settle(): Promise<void> {
    let quiet = 0;
    let index = this.store.index;
    for (let turn = 0; turn < 500 && quiet < 4; turn++) {
      await nextTurn();
      quiet = this.store.index === index ? quiet + 1 : 0;
      index = this.store.index;
    }
  }

  /** Moves the clock by `ms` in steps of `stepMs`, settling after each. */
  async advance(ms: number, stepMs = 250): Promise<void> {
    for (let passed = 0; passed < ms; passed += stepMs) {
      this.clock.advance(Math.min(stepMs, ms - passed));
      await this.settle();
    }
  }

  /** Stops the updater and the loops; throws if a store watch leaked. */
  async close(): Promise<void> {
    for (const component of this.components) await component.stop();
    await this.updater.stop();
    for (const watch of this.watches) watch.close();
    await Promise.all(this.loops);
    if (this.store.watcherCount !== 0) throw new Error('a store watch was left open');
  }

  private follow(): void {
    const watch = this.store.watch({ tables: [tasks] });
    this.watches.push(watch);
    this.loops.push(
      (async () => {
        for await (const event of watch) {
          if (!isChangeOf(tasks, event) || event.kind === 'deleted') continue;
          const task = event.object;
          if (event.kind === 'created') this.log.push(`+${label(task)} ${task.DesiredState}`);
          else {
            if (event.previous.DesiredState !== task.DesiredState)
              this.log.push(`${label(task)} → ${task.DesiredState}`);
            if (event.previous.Status.State !== task.Status.State)
              this.log.push(`${label(task)} = ${task.Status.State}`);
          }
          await this.agentStep(task.id);
        }
      })(),
    );
  }

  private orchestrate(): void {
    const watch = this.store.watch({ tables: [tasks, services], kinds: ['created', 'updated'] });
    this.watches.push(watch);
    this.loops.push(
      (async () => {
        for await (const _event of watch) this.kick();
      })(),
    );
    this.kick();
  }

  /** A store write retried while other writers race it (STORE_SEQUENCE_CONFLICT). */
  private async write(fn: (tx: Transaction) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.update(fn);
        return;
      } catch (error) {
        if (
          !(error instanceof ShoalError && error.code === 'STORE_SEQUENCE_CONFLICT') ||
          attempt > 20
        )
          throw error;
      }
    }
  }

  /** One agent move for the task: toward its desired state, or the failure its image asks for. */
  private async agentStep(id: string): Promise<void> {
    const task = this.store.get(tasks, id);
    if (task === undefined || isTerminalTaskState(task.Status.State)) return;
    const image = task.Spec.ContainerSpec?.Image ?? '';
    const behaviour = this.images.get(image) ?? {};
    const state = task.Status.State;
    let next: TaskState | undefined;
    if (compareTaskStates(task.DesiredState, 'running') > 0) {
      next = this.stubborn.has(image) ? undefined : 'shutdown';
    } else if (state === 'new') {
      next = this.options.pipeline === true ? undefined : 'ready';
    } else if (state === 'pending' && this.options.pipeline === true) next = 'assigned';
    else if (compareTaskStates(state, 'ready') < 0) next = 'ready';
    else if (state === 'ready' && task.DesiredState === 'running')
      next = behaviour.failOnStart ? 'failed' : 'running';
    if (next === 'running' && behaviour.failAfterMs !== undefined) {
      this.clock.setTimer(behaviour.failAfterMs, () => void this.setState(id, 'failed'));
    }
    if (next !== undefined) await this.setState(id, next);
  }

  /** Lets the stubborn tasks of `image` stop now. */
  async release(image: string): Promise<void> {
    this.stubborn.delete(image);
    for (const task of this.tasks()) await this.agentStep(task.id);
    await this.settle();
  }

  /** The agent's status report for task `id`. */
  async setState(id: string, state: TaskState): Promise<void> {
    await this.write((tx) => {
      const task = tx.get(tasks, id);
      if (task === undefined || isTerminalTaskState(task.Status.State)) return;
      tx.update(tasks, {
        ...task,
        NodeID: task.NodeID ?? 'node1',
        Status: {
          State: state,
          Message: state,
          ...(state === 'failed' ? { Err: 'task: non-zero exit (1)' } : {}),
        },
      });
    });
  }
}

/** `<slot>:<tag>` of a task (`1:v2`); global tasks use their node (`node1:v2`). */
export function label(task: Task): string {
  const image = task.Spec.ContainerSpec?.Image ?? '';
  const slot = task.Slot === 0 ? (task.NodeID ?? '') : String(task.Slot);
  return `${slot}:${image.slice(image.indexOf(':') + 1)}`;
}
