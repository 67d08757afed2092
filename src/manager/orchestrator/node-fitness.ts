import type { Node } from '../../api/objects/node.ts';
import type { Task } from '../../api/objects/task.ts';
import { compareTaskStates } from '../../api/objects/task.ts';
import type { TaskSpec } from '../../api/objects/task-spec.ts';
import { cidrContains, parseCidr, parseIp } from '../../api/validate/cidr.ts';
import { parseConstraint } from '../../api/validate/constraints.ts';

function constraintSubject(node: Node, key: string): string | undefined {
  const lower = key.toLowerCase();
  // Label names keep their case; only the prefix is case-insensitive.
  if (lower.startsWith('node.labels.')) return node.Spec.Labels?.[key.slice(12)];
  if (lower.startsWith('engine.labels.')) return node.Description?.Engine?.Labels?.[key.slice(14)];
  switch (lower) {
    case 'node.id':
      return node.id;
    case 'node.hostname':
      return node.Description?.Hostname;
    case 'node.ip':
      return node.Status.Addr;
    case 'node.role':
      return node.Role;
    case 'node.platform.os':
      return node.Description?.Platform?.OS;
    case 'node.platform.arch':
      return node.Description?.Platform?.Architecture;
    default:
      return undefined;
  }
}

function valueMatches(key: string, subject: string, value: string): boolean {
  if (key.toLowerCase() === 'node.ip' && value.includes('/')) {
    const cidr = parseCidr(value);
    const ip = parseIp(subject.replace(/:\d+$/, ''));
    return cidr !== undefined && ip !== undefined && cidrContains(cidr, ip);
  }
  return subject.toLowerCase() === value.toLowerCase();
}

/**
 * Whether `node` satisfies every placement constraint (`key==value` / `key!=value`, Swarm's
 * keys; values compare case-insensitively, label names case-sensitively; `node.ip` accepts a
 * CIDR). A missing attribute fails `==` and passes `!=`; an unparsable constraint never
 * holds. Pure.
 */
export function nodeMatchesConstraints(
  node: Node,
  constraints: readonly string[] | undefined,
): boolean {
  for (const expression of constraints ?? []) {
    const parsed = parseConstraint(expression);
    if (typeof parsed === 'string') return false;
    const subject = constraintSubject(node, parsed.key);
    const equal = subject !== undefined && valueMatches(parsed.key, subject, parsed.value);
    if (equal !== (parsed.operator === '==')) return false;
  }
  return true;
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
