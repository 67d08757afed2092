import { isDeepStrictEqual } from 'node:util';
import type { TaskState, TaskStatus } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { STORE_SEQUENCE_CONFLICT } from '../../store/store-errors.ts';
import { tasks } from '../../store/tables.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import type { TaskStatusUpdate } from './task-rpc-methods.ts';
import { taskNotAssigned } from './task-errors.ts';

/** Swarm's status batching: a store batch holds at most this many reports. */
export const STATUS_BATCH_ITEMS = 10_000;
/** Swarm's status batching: reports wait at most this long for a store batch. */
export const STATUS_BATCH_DELAY_MS = 100;

/** States an agent reports; anything else in a report is dropped. */
function agentState(state: TaskState): boolean {
  const v = TASK_STATE_VALUES[state];
  return v >= TASK_STATE_VALUES.accepted && v <= TASK_STATE_VALUES.rejected;
}

interface Pending {
  readonly items: Map<string, { readonly nodeId: string; readonly status: TaskStatus }>;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
  cancelTimer?: CancelTimer;
}

/** Dependencies and policy of a {@link TaskStatusWriter}. */
export interface TaskStatusWriterOptions {
  readonly store: MemoryStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxItems?: number;
  readonly maxDelayMs?: number;
}

/**
 * The dispatcher's status intake (swarmkit's `UpdateTaskStatus` and its batch writer): checks
 * that every reported task is assigned to the reporting node, queues the reports and writes
 * them in store batches of up to `maxItems`, at most `maxDelayMs` after the first one queued.
 * A report never moves a task's state backwards and is skipped when it changes nothing.
 */
export class TaskStatusWriter {
  private readonly maxItems: number;
  private readonly maxDelayMs: number;
  private current: Pending = { items: new Map(), waiters: [] };
  private writing: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly options: TaskStatusWriterOptions) {
    this.maxItems = options.maxItems ?? STATUS_BATCH_ITEMS;
    this.maxDelayMs = options.maxDelayMs ?? STATUS_BATCH_DELAY_MS;
  }

  /** Accepts reports from now on. */
  start(): void {
    this.running = true;
  }

  /** Refuses new reports; queued ones fail with `MANAGER_NOT_LEADER` (the agent resends). */
  async stop(): Promise<void> {
    this.running = false;
    const dropped = this.current;
    this.current = { items: new Map(), waiters: [] };
    dropped.cancelTimer?.();
    for (const waiter of dropped.waiters) waiter.reject(notLeader());
    await this.writing;
  }

  /**
   * Queues `updates` from `nodeId` and resolves once they are written (or found stale).
   * Rejects with `TASK_NOT_ASSIGNED`, queuing nothing, when one names a task of another node;
   * reports on deleted tasks are dropped. `MANAGER_NOT_LEADER` when stopped.
   */
  update(nodeId: string, updates: readonly TaskStatusUpdate[]): Promise<void> {
    if (!this.running) return Promise.reject(notLeader());
    const store = this.options.store;
    const accepted: TaskStatusUpdate[] = [];
    for (const update of updates) {
      const task = store.get(tasks, update.taskId);
      if (task === undefined) continue;
      if (task.NodeID !== nodeId) return Promise.reject(taskNotAssigned(update.taskId));
      if (agentState(update.status.State)) accepted.push(update);
    }
    if (accepted.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const pending = this.current;
      for (const { taskId, status } of accepted) {
        const queued = pending.items.get(taskId);
        const older =
          queued && TASK_STATE_VALUES[status.State] < TASK_STATE_VALUES[queued.status.State];
        if (!older) pending.items.set(taskId, { nodeId, status });
      }
      pending.waiters.push({ resolve, reject });
      if (pending.items.size >= this.maxItems) this.flush(pending);
      else
        pending.cancelTimer ??= this.options.clock.setTimer(this.maxDelayMs, () =>
          this.flush(pending),
        );
    });
  }

  private flush(pending: Pending): void {
    if (this.current !== pending) return;
    pending.cancelTimer?.();
    this.current = { items: new Map(), waiters: [] };
    this.writing = this.writing.then(async () => {
      try {
        await this.write(pending);
        for (const waiter of pending.waiters) waiter.resolve();
      } catch (error) {
        this.options.logger.warn('task status write failed', { error: String(error) });
        for (const waiter of pending.waiters) waiter.reject(error);
      }
    });
  }

  private async write(pending: Pending): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.store.batch(async (batch) => {
          for (const [taskId, { nodeId, status }] of pending.items) {
            await batch.update((tx) => {
              const task = tx.get(tasks, taskId);
              if (task === undefined || task.NodeID !== nodeId) return;
              if (TASK_STATE_VALUES[status.State] < TASK_STATE_VALUES[task.Status.State]) return;
              if (isDeepStrictEqual(task.Status, status)) return;
              tx.update(tasks, { ...task, Status: status });
            });
          }
        });
        return;
      } catch (error) {
        // Another writer (an orchestrator's desired state) won the race: re-read and retry;
        // reports already written are skipped as unchanged.
        const conflict = (error as { code?: string }).code === STORE_SEQUENCE_CONFLICT;
        if (!conflict || attempt >= 4) throw error;
      }
    }
  }
}
