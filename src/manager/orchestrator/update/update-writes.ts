import type { Service } from '../../../api/objects/service.ts';
import { compareTaskStates } from '../../../api/objects/task.ts';
import { ShoalError } from '../../../base/errors.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import { STORE_SEQUENCE_CONFLICT } from '../../../store/store-errors.ts';
import { services, tasks } from '../../../store/tables.ts';
import type { NewTask } from '../task-factory.ts';
import type { SlotWrites } from './slot-job.ts';

/** Attempts at a write that keeps meeting `STORE_SEQUENCE_CONFLICT`. */
const WRITE_ATTEMPTS = 5;

/**
 * Writes what slot jobs decided, in this order: `creates` (skipped if their service is
 * gone or the task exists already), then every `shutdown` (desired `shutdown`, only for
 * tasks still desired `running` or lower), then every `run` (desired `ready` or lower raised
 * to `running`). Each write re-reads its object, so it is idempotent and a task that moved
 * on meanwhile is left alone; the writes go out in one store batch, and all of them are
 * retried on `STORE_SEQUENCE_CONFLICT` (another writer got in between). Rejects as
 * `MemoryStore.batch` does once the retries are used up.
 */
export async function applyTaskWrites(
  store: MemoryStore,
  creates: readonly NewTask[],
  writes: readonly SlotWrites[],
): Promise<void> {
  const shutdown = writes.flatMap((w) => w.shutdown);
  const run = writes.flatMap((w) => w.run);
  if (creates.length + shutdown.length + run.length === 0) return;
  await retryOnConflict(() =>
    store.batch(async (batch) => {
      for (const task of creates) {
        await batch.update((tx) => {
          if (tx.get(services, task.ServiceID) === undefined || tx.get(tasks, task.id)) return;
          tx.create(tasks, task);
        });
      }
      for (const id of shutdown) {
        await batch.update((tx) => {
          const task = tx.get(tasks, id);
          if (task === undefined || compareTaskStates(task.DesiredState, 'running') > 0) return;
          tx.update(tasks, { ...task, DesiredState: 'shutdown' });
        });
      }
      for (const id of run) {
        await batch.update((tx) => {
          const task = tx.get(tasks, id);
          if (task === undefined || compareTaskStates(task.DesiredState, 'running') >= 0) return;
          tx.update(tasks, { ...task, DesiredState: 'running' });
        });
      }
    }),
  );
}

/**
 * Re-reads service `serviceId` and writes `change(stored)` unless it returns undefined,
 * retrying from a fresh read on `STORE_SEQUENCE_CONFLICT` a few times. Rejects with any
 * other store error, or the last conflict.
 */
export async function applyServiceChange(
  store: MemoryStore,
  serviceId: string,
  change: (stored: Service | undefined) => Service | undefined,
): Promise<void> {
  await retryOnConflict(() =>
    store.update((tx) => {
      const next = change(tx.get(services, serviceId));
      if (next !== undefined) tx.update(services, next);
    }),
  );
}

/** Runs `write` again while it fails with `STORE_SEQUENCE_CONFLICT`, a few times at most. */
async function retryOnConflict(write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      const conflict = error instanceof ShoalError && error.code === STORE_SEQUENCE_CONFLICT;
      if (!conflict || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}
