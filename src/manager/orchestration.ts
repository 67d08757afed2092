import type { Clock } from '../base/clock.ts';
import type { Logger } from '../base/logger.ts';
import type { MemoryStore } from '../store/memory-store.ts';
import { TaskAllocator } from './allocator/task-allocator.ts';
import type { RandomBytes } from './ca/random-bytes.ts';
import { ConstraintEnforcer } from './orchestrator/constraint-enforcer/constraint-enforcer.ts';
import { GlobalOrchestrator } from './orchestrator/global/global-orchestrator.ts';
import { JobsOrchestrator } from './orchestrator/jobs/jobs-orchestrator.ts';
import { ReplicatedOrchestrator } from './orchestrator/replicated/replicated-orchestrator.ts';
import { TaskReaper } from './orchestrator/task-reaper/task-reaper.ts';
import { Updater } from './orchestrator/update/updater.ts';
import { executorCapabilities } from './scheduler/executor-capabilities.ts';
import { Scheduler } from './scheduler/scheduler.ts';

/** What the leader's orchestration components share. */
export interface OrchestrationDeps {
  /** The store's own clock: restart delays are measured from the store's timestamps. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly randomBytes: RandomBytes;
}

/** A leader component: started on leadership, stopped on its loss. */
interface Component {
  start(): void;
  stop(): Promise<void>;
}

/**
 * The leader's task pipeline (swarmkit's `becomeLeader` set): the replicated, global and job
 * orchestrators with their rolling updater, the task allocator (`new` → `pending`), the
 * scheduler (`pending` → `assigned`), the constraint enforcer and the task reaper. Each is
 * level-triggered, so a new leader converges from whatever the store holds, an update in
 * progress included.
 */
export class Orchestration {
  private readonly updater: Updater;
  private readonly components: readonly Component[];

  constructor(store: MemoryStore, deps: OrchestrationDeps) {
    const { clock, logger, randomBytes } = deps;
    this.updater = new Updater(store, { clock, logger, randomBytes });
    const orchestrator = { clock, logger, randomBytes, updater: this.updater };
    this.components = [
      new TaskAllocator(store, { clock, logger }),
      new Scheduler(store, { clock, logger, executorPolicy: executorCapabilities }),
      new ReplicatedOrchestrator(store, orchestrator),
      new GlobalOrchestrator(store, orchestrator),
      new JobsOrchestrator(store, orchestrator),
      new ConstraintEnforcer(store, { clock, logger }),
      new TaskReaper(store, { clock, logger }),
    ];
  }

  /** Starts every component. */
  start(): void {
    for (const component of this.components) component.start();
  }

  /** Stops every component and every update in progress (the next leader continues them). */
  async stop(): Promise<void> {
    await Promise.all(this.components.map((c) => c.stop()));
    await this.updater.stop();
  }
}
