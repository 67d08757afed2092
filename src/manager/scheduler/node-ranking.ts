import type { NodeInfo } from './node-info.ts';
import { MAX_FAILURES } from './node-info.ts';

/**
 * Orders nodes for one task group (swarmkit's `nodeLess`), best first: a node with at least
 * {@link MAX_FAILURES} recent failures of this service version goes last (fewer failures
 * first among those); then fewer active tasks of the service; then fewer active tasks in
 * total; then the scheduler's node order, so equal nodes always rank the same way.
 */
export class NodeRanking {
  constructor(
    private readonly serviceId: string,
    /** Recent failures of the group's service version, only for nodes that have any. */
    private readonly failures: ReadonlyMap<NodeInfo, number>,
  ) {}

  /** Negative when `a` ranks before `b`; only equal nodes fall back to the node order. */
  compare(a: NodeInfo, b: NodeInfo): number {
    return this.counts(a, b) || a.order - b.order;
  }

  /** Whether `a` is strictly better than `b` on failures and task counts alone. */
  better(a: NodeInfo, b: NodeInfo): boolean {
    return this.counts(a, b) < 0;
  }

  private counts(a: NodeInfo, b: NodeInfo): number {
    if (this.failures.size > 0) {
      const fa = this.faultRank(a);
      const fb = this.faultRank(b);
      if (fa !== fb) return fa - fb;
    }
    const byService = a.serviceCount(this.serviceId) - b.serviceCount(this.serviceId);
    if (byService !== 0) return byService;
    return a.activeTasks - b.activeTasks;
  }

  private faultRank(node: NodeInfo): number {
    const failures = this.failures.get(node) ?? 0;
    return failures >= MAX_FAILURES ? failures : 0;
  }
}

/**
 * Places up to `want` tasks on `candidates` (swarmkit's `scheduleNTasksOnNodes`) and returns
 * how many it placed. The nodes still passing `fits` are ranked once; the first pass stays
 * on a node until the next one ranks better, which evens out the service's tasks; once past
 * the last node it goes round-robin, one task per node, skipping for good any node that no
 * longer fits. `place` records a placement (and updates the node's counts); `fits` is
 * re-checked on each node before it is used again.
 */
export function fillNodes(
  want: number,
  candidates: readonly NodeInfo[],
  ranking: NodeRanking,
  fits: (node: NodeInfo) => boolean,
  place: (node: NodeInfo) => void,
): number {
  const nodes = candidates.filter(fits);
  const count = nodes.length;
  if (count === 0 || want <= 0) return 0;
  nodes.sort((a, b) => ranking.compare(a, b));
  const full = new Uint8Array(count);
  let placed = 0;
  let at = 0;
  for (;;) {
    const node = nodes[at % count]!;
    place(node);
    if (++placed === want) return placed;
    if (at + 1 < count) {
      if (ranking.better(nodes[at + 1]!, node)) at++;
    } else {
      at++;
    }
    const start = at;
    while (full[at % count] === 1 || !fits(nodes[at % count]!)) {
      full[at % count] = 1;
      if (++at - start === count) return placed;
    }
  }
}
