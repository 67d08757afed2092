import type { Task, TaskStatus } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import { ShoalError } from '../../base/errors.ts';
import type { Logger } from '../../base/logger.ts';
import type { Executor, TaskRuntimeStatus } from '../exec/executor.ts';
import type { StepStatus } from './task-step.ts';
import { fatalStatus, stepTask } from './task-step.ts';

/** Retry spacing of a task manager after a retryable executor error. */
export interface TaskRetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Default retry spacing: 200 ms doubling up to 10 s. */
export const DEFAULT_TASK_RETRY: TaskRetryPolicy = { baseMs: 200, maxMs: 10_000 };

/** What a {@link TaskManager} works with. */
export interface TaskManagerDeps {
  readonly executor: Executor;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called with every new status of the task, in order; the worker persists and reports it. */
  readonly onStatus: (task: Task, status: TaskStatus) => void;
  readonly retry?: TaskRetryPolicy;
}

/** The grace period of a task's stop signal, in ms, from its spec (undefined: the executor's). */
export function stopGraceMs(task: Task): number | undefined {
  const ns = task.Spec.ContainerSpec?.StopGracePeriod;
  return ns === undefined ? undefined : Math.round(ns / 1e6);
}

/** Whether the task's spec has a healthcheck that gates `running` (not `NONE`, not empty). */
export function hasHealthcheck(task: Task): boolean {
  const test = task.Spec.ContainerSpec?.Healthcheck?.Test;
  return test !== undefined && test.length > 0 && test[0] !== 'NONE';
}

const ACTIVE_FROM = TASK_STATE_VALUES.starting;

/**
 * Drives one task (swarmkit's task manager): reads the executor's view of the task, takes
 * the {@link stepTask} decision, runs its action and reports its status, until the task waits;
 * then sleeps until {@link update} (a new desired state or spec), a runtime change (an
 * executor watch while the task is starting or running) or a retry timer wakes it. One step
 * at a time. Retryable executor errors are retried with backoff; others reject or fail the
 * task ({@link fatalStatus}). {@link close} stops driving; it never stops the task itself.
 */
export class TaskManager {
  private dirty = false;
  private loop: Promise<void> | undefined;
  private closed = false;
  private unhealthy = false;
  private failures = 0;
  private cancelRetry: CancelTimer | undefined;
  private watch: AbortController | undefined;
  private readonly retry: TaskRetryPolicy;

  constructor(
    private task: Task,
    private status: TaskStatus,
    private readonly deps: TaskManagerDeps,
  ) {
    this.retry = deps.retry ?? DEFAULT_TASK_RETRY;
  }

  /** The task as last assigned, and its status as the agent holds it. */
  get current(): { readonly task: Task; readonly status: TaskStatus } {
    return { task: this.task, status: this.status };
  }

  /** Takes a newer version of the task (desired state, spec) and steps it. */
  update(task: Task): void {
    this.task = task;
    this.kick();
  }

  /** Runs steps until the task waits (no-op once closed). */
  kick(): void {
    if (this.closed) return;
    this.dirty = true;
    this.loop ??= this.run().finally(() => {
      this.loop = undefined;
    });
  }

  /** Whether a step runs now. */
  get busy(): boolean {
    return this.loop !== undefined;
  }

  /** Resolves once no step runs (tests, and the worker before it removes a task). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Stops driving the task (the task keeps running); resolves once the step under way ends. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelRetry?.();
    this.watch?.abort();
    await this.idle();
  }

  private async run(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      try {
        await this.step();
        this.failures = 0;
      } catch (error) {
        this.scheduleRetry(error);
      }
    }
  }

  private async step(): Promise<void> {
    const id = this.task.id;
    const executor = this.deps.executor;
    const runtime = await executor.status(id);
    const input = {
      state: this.status.State,
      message: this.status.Message ?? '',
      desired: this.task.DesiredState,
      runtime,
      // An image's own healthcheck (a spec that inherits one) shows only in the runtime.
      healthcheck: hasHealthcheck(this.task) || runtime.health !== 'none',
      unhealthy: this.unhealthy,
    };
    const step = stepTask(input);
    try {
      if (step.action === 'prepare') await executor.prepare(this.task);
      if (step.action === 'start') await executor.start(id);
      if (step.action === 'stop') {
        // A stop without a status is the unhealthy case: the exit is reported as such.
        if (step.status === undefined) this.unhealthy = true;
        await executor.stop(id, stopGraceMs(this.task));
      }
    } catch (error) {
      if (error instanceof ShoalError && error.retryable) throw error;
      this.report(fatalStatus(input.state, input.message, errorText(error)), runtime);
      return;
    }
    if (step.action === 'start') {
      const after = await executor.status(id);
      if (after.state === 'absent' || after.state === 'created') {
        const why = after.error ?? 'task: the executor did not start the task';
        this.report(fatalStatus(input.state, input.message, why), after);
      } else this.dirty = true;
      return;
    }
    if (step.status !== undefined) {
      const observed = step.action === 'none' ? runtime : await executor.status(id);
      this.report(step.status, observed);
      return;
    }
    if (step.action === 'stop') {
      this.dirty = true;
      return;
    }
    const active = TASK_STATE_VALUES[this.status.State];
    if (active >= ACTIVE_FROM && active <= TASK_STATE_VALUES.running) this.watchRuntime();
  }

  private report(next: StepStatus, runtime: TaskRuntimeStatus): void {
    const container =
      TASK_STATE_VALUES[next.State] >= ACTIVE_FROM && runtime.state !== 'absent'
        ? {
            ContainerStatus: {
              ...(runtime.containerId === undefined ? {} : { ContainerID: runtime.containerId }),
              ...(runtime.pid === undefined ? {} : { PID: runtime.pid }),
              ...(runtime.exitCode === undefined ? {} : { ExitCode: runtime.exitCode }),
            },
          }
        : {};
    this.status = {
      Timestamp: new Date(this.deps.clock.now()).toISOString(),
      State: next.State,
      Message: next.Message,
      ...(next.Err === undefined ? {} : { Err: next.Err }),
      ...container,
    };
    if (TASK_STATE_VALUES[next.State] > TASK_STATE_VALUES.running) this.watch?.abort();
    this.dirty = true;
    this.deps.onStatus(this.task, this.status);
  }

  private watchRuntime(): void {
    if (this.watch !== undefined || this.closed) return;
    const abort = (this.watch = new AbortController());
    const iterate = async (): Promise<void> => {
      try {
        for await (const _status of this.deps.executor.watch(this.task.id, abort.signal)) {
          this.kick();
        }
      } catch (error) {
        if (!abort.signal.aborted) this.scheduleRetry(error);
      } finally {
        if (this.watch === abort) this.watch = undefined;
        // A watch that ends while the task still runs would leave it unobserved: look again.
        if (!abort.signal.aborted && !this.closed) {
          this.cancelRetry ??= this.deps.clock.setTimer(this.retry.baseMs, () => {
            this.cancelRetry = undefined;
            this.kick();
          });
        }
      }
    };
    void iterate();
  }

  private scheduleRetry(error: unknown): void {
    if (this.closed) return;
    this.failures++;
    const delay = Math.min(
      this.retry.maxMs,
      this.retry.baseMs * 2 ** Math.min(this.failures - 1, 20),
    );
    this.deps.logger.warn('task step failed; retrying', {
      task: this.task.id,
      error: String(error),
      retryInMs: delay,
    });
    this.cancelRetry?.();
    this.cancelRetry = this.deps.clock.setTimer(delay, () => {
      this.cancelRetry = undefined;
      this.kick();
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
