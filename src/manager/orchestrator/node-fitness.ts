import type { Node } from '../../api/objects/node.ts';
import type { Task } from '../../api/objects/task.ts';
import { compareTaskStates } from '../../api/objects/task.ts';
import type { TaskSpec } from '../../api/objects/task-spec.ts';
import { compileConstraints } from '../scheduler/node-constraints.ts';

/**
 * Whether `node` satisfies every placement constraint, by the scheduler's matcher (one set of
 * matching rules for placement, global eligibility, the constraint enforcer and the updater's
 * dirty check; see `compileConstraints`). Pure.
 */
export function nodeMatchesConstraints(
  node: Node,
  constraints: readonly string[] | undefined,
): boolean {
  return compileConstraints(constraints)?.(node) ?? true;
}

/** Whether the dispatcher considers the node alive enough to hold tasks (`ready` or `unknown`). */
export function isNodeUp(node: Node): boolean {
  return node.Status.State === 'ready' || node.Status.State === 'unknown';
}

/**
 * Whether tasks on the node must be moved off it (swarmkit's `InvalidNode`): the node is
 * gone (`undefined`), `down`, or drained.
 */
export function isNodeInvalid(node: Node | undefined): boolean {
  return node === undefined || node.Status.State === 'down' || node.Spec.Availability === 'drain';
}

/**
 * Whether a global service with task spec `spec` should have a task on `node`: the node is
 * up ({@link isNodeUp}), not drained, and meets the constraints. Paused nodes are eligible
 * (their tasks stay) but take no new task; see {@link acceptsNewTasks}.
 */
export function isGlobalEligible(node: Node, spec: TaskSpec | undefined): boolean {
  return (
    isNodeUp(node) &&
    node.Spec.Availability !== 'drain' &&
    nodeMatchesConstraints(node, spec?.Placement?.Constraints)
  );
}

/** Whether the node takes new tasks: availability `active` (not `pause` or `drain`). */
export function acceptsNewTasks(node: Node): boolean {
  return (node.Spec.Availability ?? 'active') === 'active';
}

/**
 * Whether `task` holds resources on its node: assigned (state ≥ `assigned`), not yet
 * finished (state ≤ `running`) and still wanted (desired ≤ `complete`).
 */
export function holdsResources(task: Task): boolean {
  return (
    compareTaskStates(task.Status.State, 'assigned') >= 0 &&
    compareTaskStates(task.Status.State, 'running') <= 0 &&
    compareTaskStates(task.DesiredState, 'complete') <= 0
  );
}
