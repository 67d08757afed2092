import type { Service } from '../../../api/objects/service.ts';
import { serviceModeName } from '../../../api/objects/service-spec.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import type { ServicePlanInput } from '../plan-input.ts';
import type { OrchestratorDeps } from '../service-orchestrator.ts';
import { ServiceOrchestrator } from '../service-orchestrator.ts';
import type { TaskWrites } from '../task-writes.ts';
import { planReplicated } from './reconcile.ts';

/**
 * The replicated-service orchestrator (leader only): keeps `Replicas` slots of every
 * replicated service, restarts tasks per their restart policy, moves tasks off down or
 * drained nodes, and hands live slots to the rolling updater. Planning is
 * {@link planReplicated}; the loop is {@link ServiceOrchestrator}. It also removes, on its
 * sweeps, live tasks whose service no longer exists.
 */
export class ReplicatedOrchestrator extends ServiceOrchestrator {
  constructor(store: MemoryStore, deps: OrchestratorDeps) {
    super(store, deps, 'replicated-orchestrator', true);
  }

  protected owns(service: Service): boolean {
    return serviceModeName(service.Spec.Mode) === 'replicated';
  }

  protected plan(input: ServicePlanInput): TaskWrites {
    return planReplicated(input);
  }

  protected usesUpdater(): boolean {
    return true;
  }
}
