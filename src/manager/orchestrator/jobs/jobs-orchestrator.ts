import type { Service } from '../../../api/objects/service.ts';
import { serviceModeName } from '../../../api/objects/service-spec.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import type { ServicePlanInput } from '../plan-input.ts';
import type { OrchestratorDeps } from '../service-orchestrator.ts';
import { ServiceOrchestrator } from '../service-orchestrator.ts';
import type { TaskWrites } from '../task-writes.ts';
import { planReplicatedJob } from './reconcile.ts';

/**
 * The replicated-job orchestrator (leader only): runs each replicated job to
 * `TotalCompletions`, `MaxConcurrent` at a time, and starts over when the control API bumps
 * `JobStatus.JobIteration`. Planning is {@link planReplicatedJob}. Global jobs belong to the
 * global orchestrator (`planGlobal`) (one task per node). Jobs never use the updater.
 */
export class JobsOrchestrator extends ServiceOrchestrator {
  constructor(store: MemoryStore, deps: OrchestratorDeps) {
    super(store, deps, 'jobs-orchestrator');
  }

  protected owns(service: Service): boolean {
    return serviceModeName(service.Spec.Mode) === 'replicated-job';
  }

  protected plan(input: ServicePlanInput): TaskWrites {
    return planReplicatedJob(input);
  }

  protected usesUpdater(): boolean {
    return false;
  }
}
