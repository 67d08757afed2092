import type { TaskStatus } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { TaskStatusUpdate } from '../../manager/dispatcher/task-rpc-methods.ts';

/** Where a worker's status changes go. */
export interface StatusSink {
  /** Queues `status` of task `taskId` for the managers; never blocks, never throws. */
  report(taskId: string, status: TaskStatus): void;
}

/** What a {@link StatusReporter} sends with: one batch, resolving once the leader wrote it. */
export type SendStatuses = (updates: readonly TaskStatusUpdate[]) => Promise<void>;

/** Options of a {@link StatusReporter}. */
export interface StatusReporterOptions {
  readonly send: SendStatuses;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Most updates per call. Default 1000. */
  readonly maxBatch?: number;
  /** Retry spacing after a failed send: doubling from `retryBaseMs` up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Batches a worker's status reports to the dispatcher: one call in flight at a time; reports
 * made meanwhile wait and go together in the next call (the latest, highest status per task).
 * A failed call is retried with backoff on the injected clock, its reports merged with newer
 * ones, so every task's last status eventually reaches the leader.
 */
export class StatusReporter implements StatusSink {
  private pending = new Map<string, TaskStatus>();
  private inFlight: Promise<void> | undefined;
  private cancelRetry: CancelTimer | undefined;
  private failures = 0;
  private stopped = false;
  private readonly maxBatch: number;

  constructor(private readonly options: StatusReporterOptions) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  report(taskId: string, status: TaskStatus): void {
    this.queue(taskId, status);
    this.pump();
  }

  /** Reports not yet sent. */
  get backlog(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is queued or in flight (or a retry is waiting). */
  async flushed(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** Stops sending; queued reports are dropped (the worker re-reports after a restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRetry?.();
    await this.flushed();
  }

  private queue(taskId: string, status: TaskStatus): void {
    const held = this.pending.get(taskId);
    if (held && TASK_STATE_VALUES[held.State] > TASK_STATE_VALUES[status.State]) return;
    this.pending.set(taskId, status);
  }

  private pump(): void {
    if (this.stopped || this.inFlight || this.cancelRetry || this.pending.size === 0) return;
    const batch = [...this.pending].slice(0, this.maxBatch);
    for (const [taskId] of batch) this.pending.delete(taskId);
    const updates = batch.map(([taskId, status]) => ({ taskId, status }));
    this.inFlight = this.options.send(updates).then(
      () => {
        this.failures = 0;
        this.inFlight = undefined;
        this.pump();
      },
      (error: unknown) => {
        this.inFlight = undefined;
        if ((error as { code?: string }).code === 'TASK_NOT_ASSIGNED') {
          // The managers gave a task to another node: these reports can never be taken.
          this.options.logger.warn('status reports refused', { error: String(error) });
          this.pump();
          return;
        }
        for (const { taskId, status } of updates) {
          if (!this.pending.has(taskId)) this.pending.set(taskId, status);
        }
        this.failures++;
        const base = this.options.retryBaseMs ?? 100;
        const delay = Math.min(
          this.options.retryMaxMs ?? 8_000,
          base * 2 ** Math.min(this.failures - 1, 20),
        );
        this.options.logger.debug('status report failed', {
          error: String(error),
          retryInMs: delay,
        });
        if (this.stopped) return;
        this.cancelRetry = this.options.clock.setTimer(delay, () => {
          this.cancelRetry = undefined;
          this.pump();
        });
      },
    );
  }
}
