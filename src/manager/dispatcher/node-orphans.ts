import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { tasks } from '../../store/tables.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';

/** Swarm's `defaultNodeDownPeriod`: a node down this long has its live tasks orphaned. */
export const NODE_DOWN_ORPHAN_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a task of a node down for good becomes `orphaned`: only tasks the node may still be
 * running (`assigned` through `running`), so their IPs and ports can be freed. Pure.
 */
export function isOrphanable(state: keyof typeof TASK_STATE_VALUES): boolean {
  const v = TASK_STATE_VALUES[state];
  return v >= TASK_STATE_VALUES.assigned && v <= TASK_STATE_VALUES.running;
}

/**
 * The 24-hour rule of Swarm's dispatcher: when a node has been `down` for `downPeriodMs`
 * (measured from when this leader saw it down, as in Swarm), its tasks in `assigned` through
 * `running` are written `orphaned`. One timer per down node on the injected clock; a
 * heartbeat ({@link nodeUp}) cancels it.
 */
export class NodeOrphans {
  private readonly timers = new Map<string, CancelTimer>();
  private readonly downPeriodMs: number;

  constructor(
    private readonly options: {
      readonly store: MemoryStore;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly downPeriodMs?: number;
    },
  ) {
    this.downPeriodMs = options.downPeriodMs ?? NODE_DOWN_ORPHAN_MS;
  }

  /** The node is down from now on: arms its timer unless one is armed. */
  nodeDown(nodeId: string): void {
    if (this.timers.has(nodeId)) return;
    const cancel = this.options.clock.setTimer(this.downPeriodMs, () => {
      this.timers.delete(nodeId);
      void this.orphan(nodeId);
    });
    this.timers.set(nodeId, cancel);
  }

  /** The node is alive again: disarms its timer. */
  nodeUp(nodeId: string): void {
    this.timers.get(nodeId)?.();
    this.timers.delete(nodeId);
  }

  /** Disarms every timer (leadership lost). */
  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /** Writes the node's live tasks `orphaned`; resolves once written (failures are logged). */
  async orphan(nodeId: string): Promise<void> {
    const store = this.options.store;
    const ids = store
      .find(tasks, { index: 'node', value: nodeId })
      .filter((t) => isOrphanable(t.Status.State))
      .map((t) => t.id);
    if (ids.length === 0) return;
    const timestamp = new Date(this.options.clock.now()).toISOString();
    try {
      await store.batch(async (batch) => {
        for (const id of ids) {
          await batch.update((tx) => {
            const task = tx.get(tasks, id);
            if (task === undefined || !isOrphanable(task.Status.State)) return;
            tx.update(tasks, {
              ...task,
              Status: { ...task.Status, State: 'orphaned', Timestamp: timestamp },
            });
          });
        }
      });
      this.options.logger.info('orphaned the tasks of a node down for good', {
        node: nodeId,
        tasks: ids.length,
      });
    } catch (error) {
      this.options.logger.warn('orphaning tasks failed', { node: nodeId, error: String(error) });
    }
  }
}
