import type { Node } from '../../../api/objects/node.ts';
import type { Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/logger.ts';
import type { MemoryStore } from '../../../store/memory-store.ts';
import type { ObjectChanged } from '../../../store/store-event.ts';
import { isChangeOf } from '../../../store/store-event.ts';
import { nodes, tasks } from '../../../store/tables.ts';
import { OrchestrationLoop } from '../orchestration-loop.ts';
import { applyTaskWrites } from '../task-writes.ts';
import { planEnforcement } from './reconcile.ts';

/** What the constraint enforcer is given. */
export interface ConstraintEnforcerDeps {
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** Period of the enforcer's full sweep: 60 s. */
export const ENFORCER_SWEEP_MS = 60_000;

/** Whether a node update can make its tasks misfit: labels, role, availability, resources. */
function fitMayChange(before: Node, after: Node): boolean {
  return (
    before.Role !== after.Role ||
    JSON.stringify(before.Spec) !== JSON.stringify(after.Spec) ||
    JSON.stringify(before.Description) !== JSON.stringify(after.Description) ||
    before.Status.Addr !== after.Status.Addr
  );
}

/**
 * The constraint enforcer (leader only; swarmkit's `constraintenforcer`): when a node's
 * labels, role, availability or resources change, tasks on it that no longer meet their
 * constraints or reservations are rejected ({@link planEnforcement}). A full sweep runs at
 * start (a new leader may have missed changes) and every {@link ENFORCER_SWEEP_MS}.
 */
export class ConstraintEnforcer extends OrchestrationLoop {
  constructor(store: MemoryStore, deps: ConstraintEnforcerDeps) {
    super(store, deps.clock, deps.logger, {
      name: 'constraint-enforcer',
      tables: [nodes],
      sweepMs: ENFORCER_SWEEP_MS,
    });
  }

  protected onChange(event: ObjectChanged): void {
    if (!isChangeOf(nodes, event) || event.kind !== 'updated') return;
    if (fitMayChange(event.previous, event.object)) this.markDirty(event.object.id);
  }

  protected async pass(keys: ReadonlySet<string>, full: boolean): Promise<void> {
    const targets = full ? this.store.all(nodes) : [...keys].map((id) => this.store.get(nodes, id));
    const now = this.clock.now();
    const statuses = targets.flatMap((node) =>
      node
        ? planEnforcement(node, this.store.find(tasks, { index: 'node', value: node.id }), now)
        : [],
    );
    await applyTaskWrites(this.store, { creates: [], desired: [], statuses });
  }
}
