import type { Task } from '../../api/objects/task.ts';
import type { ExecutorPolicy, Filter } from './filters.ts';
import { defaultFilters } from './filters.ts';
import type { NodeInfo } from './node-info.ts';
import type { TaskUsage } from './task-usage.ts';

/**
 * Runs the filters against nodes for one task at a time (swarmkit's `Pipeline`). Call
 * {@link Pipeline.setTask} first; then {@link Pipeline.passes} per node. The pipeline keeps
 * no failure counts while placing (that made Swarm's explanation depend on map order);
 * {@link Pipeline.explain} counts them over a given set of nodes when a task is left over.
 */
export class Pipeline {
  private readonly filters: readonly Filter[];
  private enabled: Filter[] = [];
  private dynamicEnabled: Filter[] = [];

  constructor(executorPolicy?: ExecutorPolicy) {
    this.filters = defaultFilters(executorPolicy);
  }

  /** Prepares every filter for `task`, whose usage on a node is `usage`. */
  setTask(task: Task, usage: TaskUsage): void {
    this.enabled = this.filters.filter((filter) => filter.setTask(task, usage));
    this.dynamicEnabled = this.enabled.filter((filter) => filter.dynamic);
  }

  /** Whether the node passes every filter that applies to the task. */
  passes(node: NodeInfo): boolean {
    for (const filter of this.enabled) if (!filter.check(node)) return false;
    return true;
  }

  /**
   * Whether the node still passes the filters that depend on placements; enough for a node
   * that passed {@link Pipeline.passes} earlier in the same pass.
   */
  passesDynamic(node: NodeInfo): boolean {
    for (const filter of this.dynamicEnabled) if (!filter.check(node)) return false;
    return true;
  }

  /**
   * Why the task fits none of `nodes`: each node is blamed on the first filter it fails,
   * and the filters' explanations are joined with '; ', most failures first (ties in filter
   * order), e.g. "2 nodes not available for new tasks; insufficient resources on 1 node".
   * Empty when no node fails (or there are none).
   */
  explain(nodes: Iterable<NodeInfo>): string {
    const counts = new Map<Filter, number>();
    for (const node of nodes) {
      const failed = this.enabled.find((filter) => !filter.check(node));
      if (failed) counts.set(failed, (counts.get(failed) ?? 0) + 1);
    }
    return this.enabled
      .filter((filter) => counts.has(filter))
      .map((filter, position) => ({ filter, position, count: counts.get(filter) ?? 0 }))
      .sort((a, b) => b.count - a.count || a.position - b.position)
      .map(({ filter, count }) => filter.explain(count))
      .join('; ');
  }
}
