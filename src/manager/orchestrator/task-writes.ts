import type { Task, TaskState, TaskStatus } from '../../api/objects/task.ts';
import { compareTaskStates } from '../../api/objects/task.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { tasks } from '../../store/tables.ts';
import type { NewTask } from './task-factory.ts';

/** Raise a task's desired state (ready → running, running → shutdown, ... → remove). */
export interface DesiredStateChange {
  readonly taskId: string;
  readonly desiredState: TaskState;
}

/** Set a manager-owned observed state (`pending`, `rejected`), only if it moves forward. */
export interface StatusChange {
  readonly taskId: string;
  readonly status: TaskStatus;
}

/**
 * What a planner wants written, as data: the pure planners return it, {@link applyTaskWrites}
 * writes it. `wakeAt` (clock milliseconds) asks the shell to plan again at that time
 * (restart delays, timeouts), even if nothing changes in the store.
 */
export interface TaskWrites {
  readonly creates: readonly NewTask[];
  readonly desired: readonly DesiredStateChange[];
  readonly statuses?: readonly StatusChange[];
  readonly deletes?: readonly string[];
  readonly wakeAt?: number;
}

/** An empty {@link TaskWrites}. */
export const NO_WRITES: TaskWrites = { creates: [], desired: [] };

/** Whether `writes` writes nothing. */
export function isEmptyWrites(writes: TaskWrites): boolean {
  return (
    writes.creates.length === 0 &&
    writes.desired.length === 0 &&
    (writes.statuses?.length ?? 0) === 0 &&
    (writes.deletes?.length ?? 0) === 0
  );
}

/**
 * Writes `writes` through `store.batch`, one small transaction step per write, re-reading
 * each task at write time: a desired-state change applies only if it raises the task's
 * desired state, a status change only if it raises its observed state, and writes to tasks
 * that are gone are skipped. Desired states and observed states therefore never go
 * backwards, whoever else wrote the task meanwhile. Rejects as `store.batch` does (e.g.
 * `STORE_SEQUENCE_CONFLICT` when an agent report raced a write with a proposer): callers
 * plan again from the store and retry.
 */
export async function applyTaskWrites(store: MemoryStore, writes: TaskWrites): Promise<void> {
  if (isEmptyWrites(writes)) return;
  await store.batch(async (batch) => {
    for (const task of writes.creates) {
      await batch.update((tx) => {
        tx.create(tasks, task);
      });
    }
    for (const change of writes.desired) {
      await batch.update((tx) => {
        const task = tx.get(tasks, change.taskId);
        if (!task || compareTaskStates(task.DesiredState, change.desiredState) >= 0) return;
        tx.update(tasks, { ...task, DesiredState: change.desiredState });
      });
    }
    for (const change of writes.statuses ?? []) {
      await batch.update((tx) => {
        const task = tx.get(tasks, change.taskId);
        if (!task || compareTaskStates(task.Status.State, change.status.State) >= 0) return;
        tx.update(tasks, { ...task, Status: change.status } satisfies Task);
      });
    }
    for (const id of writes.deletes ?? []) {
      await batch.update((tx) => {
        if (tx.get(tasks, id)) tx.delete(tasks, id);
      });
    }
  });
}

/** Collects a planner's writes; `build()` returns them as a {@link TaskWrites}. */
export class WritesBuilder {
  readonly creates: NewTask[] = [];
  readonly desired: DesiredStateChange[] = [];
  private wake: number | undefined;

  /** Raises `task`'s desired state to `desiredState` (no-op if already there or past). */
  setDesired(task: Task, desiredState: TaskState): void {
    if (compareTaskStates(task.DesiredState, desiredState) >= 0) return;
    this.desired.push({ taskId: task.id, desiredState });
  }

  /** Asks to be planned again at clock time `at` (the earliest request wins). */
  wakeAt(at: number): void {
    this.wake = this.wake === undefined ? at : Math.min(this.wake, at);
  }

  build(): TaskWrites {
    return {
      creates: this.creates,
      desired: this.desired,
      ...(this.wake === undefined ? {} : { wakeAt: this.wake }),
    };
  }
}
