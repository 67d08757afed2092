import type { Node } from '../../api/objects/node.ts';
import type { PlacementPreference } from '../../api/objects/task-spec.ts';
import type { NodeInfo } from './node-info.ts';

/** Reads the value a node has for one spread preference ('' when it has none). */
export type SpreadReader = (node: Node) => string;

const NODE_LABEL_PREFIX = 'node.labels.';
const ENGINE_LABEL_PREFIX = 'engine.labels.';

/**
 * The readers of a task's spread preferences, in order. Descriptors other than
 * `node.labels.<name>` and `engine.labels.<name>` (prefix case-insensitive, name as
 * written) are skipped, as Swarm skips them.
 */
export function spreadReaders(
  preferences: readonly PlacementPreference[] | undefined,
): SpreadReader[] {
  const readers: SpreadReader[] = [];
  for (const preference of preferences ?? []) {
    const descriptor = preference.Spread?.SpreadDescriptor ?? '';
    const lower = descriptor.toLowerCase();
    if (lower.startsWith(NODE_LABEL_PREFIX) && descriptor.length > NODE_LABEL_PREFIX.length) {
      const label = descriptor.slice(NODE_LABEL_PREFIX.length);
      readers.push((node) => node.Spec.Labels?.[label] ?? '');
    } else if (
      lower.startsWith(ENGINE_LABEL_PREFIX) &&
      descriptor.length > ENGINE_LABEL_PREFIX.length
    ) {
      const label = descriptor.slice(ENGINE_LABEL_PREFIX.length);
      readers.push((node) => node.Description?.Engine?.Labels?.[label] ?? '');
    }
  }
  return readers;
}

/**
 * One branch of the spread tree (swarmkit's `decisionTree`): the active tasks of the service
 * on every node under it (`count`, kept up to date while placing), and either child branches
 * by label value or, at the last level, the nodes that passed the filters.
 */
export interface SpreadBranch {
  readonly value: string;
  count: number;
  readonly children: Map<string, SpreadBranch> | undefined;
  readonly nodes: NodeInfo[];
}

function branch(value: string, leaf: boolean): SpreadBranch {
  return { value, count: 0, children: leaf ? undefined : new Map(), nodes: [] };
}

/**
 * Builds the tree: one level per reader, nodes without the label under the '' branch. Every
 * node counts its tasks of `serviceId` toward its branches, but only nodes `eligible`
 * accepts are listed in the leaves.
 */
export function buildSpreadTree(
  nodes: readonly NodeInfo[],
  readers: readonly SpreadReader[],
  serviceId: string,
  eligible: (node: NodeInfo) => boolean,
): SpreadBranch {
  const root = branch('', readers.length === 0);
  for (const info of nodes) {
    const node = info.node;
    if (!node) continue;
    const count = info.serviceCount(serviceId);
    let at = root;
    at.count += count;
    for (let level = 0; level < readers.length; level++) {
      const value = readers[level]!(node);
      let next = at.children!.get(value);
      if (!next) at.children!.set(value, (next = branch(value, level === readers.length - 1)));
      next.count += count;
      at = next;
    }
    if (eligible(info)) at.nodes.push(info);
  }
  return root;
}

/** Places up to `want` tasks on a leaf's nodes; returns how many it placed. */
export type LeafPlacer = (want: number, nodes: NodeInfo[]) => number;

/**
 * Spreads `want` tasks over the branches of `tree` so their task counts (existing tasks
 * included) even out: each round aims every usable branch at an equal share, giving the
 * remainder to the branches with the fewest tasks first; a branch that takes fewer tasks
 * than it was offered has no room left and drops out, and its share goes to the others in
 * the next round. Branch counts grow as tasks are placed. Returns the number placed.
 */
export function spreadOver(tree: SpreadBranch, want: number, placeLeaf: LeafPlacer): number {
  if (!tree.children) {
    const placed = placeLeaf(want, tree.nodes);
    tree.count += placed;
    return placed;
  }
  const usable = [...tree.children.values()];
  let placed = 0;
  while (placed < want && usable.length > 0) {
    usable.sort(
      (a, b) => a.count - b.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
    );
    const total = usable.reduce((sum, b) => sum + b.count, 0) + (want - placed);
    const share = Math.floor(total / usable.length);
    let extra = total % usable.length;
    let progress = false;
    for (const child of [...usable]) {
      const target = share + (extra > 0 ? 1 : 0);
      if (child.count >= target) continue;
      const offer = Math.min(target - child.count, want - placed);
      const got = spreadOver(child, offer, placeLeaf);
      placed += got;
      if (got > 0) progress = true;
      if (got < offer) usable.splice(usable.indexOf(child), 1);
      else if (extra > 0) extra--;
      if (placed === want) break;
    }
    if (!progress && usable.every((b) => b.count >= share + (extra > 0 ? 1 : 0))) break;
  }
  tree.count += placed;
  return placed;
}
