import type { PlacementPreference } from '../../api/objects/task-spec.ts';
import type { NodeInfo } from './node-info.ts';
import { fillNodes, NodeRanking } from './node-ranking.ts';
import type { Pipeline } from './pipeline.ts';
import { buildSpreadTree, spreadOver, spreadReaders } from './spread-tree.ts';

/** One group of identical tasks (same service, same spec version) to place. */
export interface GroupToPlace {
  readonly serviceId: string;
  /** The key failures of this service version are recorded under. */
  readonly failureKey: string;
  readonly preferences: readonly PlacementPreference[] | undefined;
  readonly size: number;
}

/**
 * Places up to `group.size` tasks on `nodes` (swarmkit's `scheduleTaskGroup`), with
 * `pipeline` already set up for the group's task: ranks nodes for the group, then fills them
 * round-robin, through the spread tree when the task has spread preferences. `place(node)`
 * is called once per placement, in order, and must count the task on the node. Returns how
 * many were placed; the rest fit nowhere.
 */
export function placeGroup(
  group: GroupToPlace,
  nodes: readonly NodeInfo[],
  pipeline: Pipeline,
  now: number,
  place: (node: NodeInfo) => void,
): number {
  const failures = new Map<NodeInfo, number>();
  for (const info of nodes) {
    const count = info.recentFailures(group.failureKey, now);
    if (count > 0) failures.set(info, count);
  }
  const ranking = new NodeRanking(group.serviceId, failures);
  let placed = 0;
  const counted = (node: NodeInfo): void => {
    placed++;
    place(node);
  };
  const fits = (node: NodeInfo): boolean => pipeline.passesDynamic(node);
  const fill = (want: number, leaf: readonly NodeInfo[]): number =>
    fillNodes(Math.min(want, group.size - placed), leaf, ranking, fits, counted);
  const eligible = (node: NodeInfo): boolean => pipeline.passes(node);
  const readers = spreadReaders(group.preferences);
  if (readers.length === 0) return fill(group.size, nodes.filter(eligible));
  return spreadOver(buildSpreadTree(nodes, readers, group.serviceId, eligible), group.size, fill);
}
