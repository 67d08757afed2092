import type { Service } from '../../../api/objects/service.ts';
import { isJobMode } from '../../../api/objects/service-spec.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import type { ServicePlanInput } from '../plan-input.ts';
import type { OrchestratorDeps } from '../service-orchestrator.ts';
import { ServiceOrchestrator } from '../service-orchestrator.ts';
import { isGlobalService } from '../slots-of.ts';
import type { TaskWrites } from '../task-writes.ts';
import { planGlobal } from './reconcile.ts';

/**
 * The global orchestrator (leader only): one task of every global service and global job on
 * each eligible node, following node joins, removals, drains, label and constraint
 * changes. Planning is {@link planGlobal}; the loop is {@link ServiceOrchestrator}. Global
 * services (not jobs) are handed to the rolling updater.
 */
export class GlobalOrchestrator extends ServiceOrchestrator {
  constructor(store: MemoryStore, deps: OrchestratorDeps) {
    super(store, deps, 'global-orchestrator');
  }

  protected owns(service: Service): boolean {
    return isGlobalService(service);
  }

  protected plan(input: ServicePlanInput): TaskWrites {
    return planGlobal(input);
  }

  protected usesUpdater(service: Service): boolean {
    return !isJobMode(service.Spec.Mode);
  }
}
