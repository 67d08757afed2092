import type { Task } from '../../api/objects/task.ts';
import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { ObjectChanged } from '../../store/store-event.ts';
import { isChangeOf } from '../../store/store-event.ts';
import { services, tasks } from '../../store/tables.ts';
import { OrchestrationLoop } from '../orchestrator/orchestration-loop.ts';
import { applyTaskWrites } from '../orchestrator/task-writes.ts';
import { planAllocation } from './allocate-tasks.ts';

/** What the task allocator is given. */
export interface TaskAllocatorDeps {
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** Period of the allocator's safety sweep: 10 s. */
export const ALLOCATOR_SWEEP_MS = 10_000;

/**
 * The task allocator (leader only; swarmkit's allocator, task part): moves every `new` task
 * to `pending` "pending task scheduling" ({@link planAllocation}), handing it to the
 * scheduler. Level-triggered: task creations and updates mark tasks dirty; a sweep at start
 * and every {@link ALLOCATOR_SWEEP_MS} re-reads every `new` task.
 */
export class TaskAllocator extends OrchestrationLoop {
  constructor(store: MemoryStore, deps: TaskAllocatorDeps) {
    super(store, deps.clock, deps.logger, {
      name: 'task-allocator',
      tables: [tasks],
      sweepMs: ALLOCATOR_SWEEP_MS,
    });
  }

  protected onChange(event: ObjectChanged): void {
    if (!isChangeOf(tasks, event) || event.kind === 'deleted') return;
    if (event.object.Status.State === 'new') this.markDirty(event.object.id);
  }

  protected async pass(keys: ReadonlySet<string>, full: boolean): Promise<void> {
    const candidates = full
      ? this.store.find(tasks, { index: 'state', value: 'new' })
      : [...keys].map((id) => this.store.get(tasks, id)).filter((t): t is Task => t !== undefined);
    const statuses = planAllocation(
      candidates,
      (id) => this.store.get(services, id) !== undefined,
      this.clock.now(),
    );
    await applyTaskWrites(this.store, { creates: [], desired: [], statuses });
  }
}
