import type { Node } from '../../api/objects/node.ts';
import type { Service } from '../../api/objects/service.ts';
import type { Task } from '../../api/objects/task.ts';
import type { TaskSpec } from '../../api/objects/task-spec.ts';
import { parseConstraint } from '../../api/validate/constraints.ts';

/** Structural equality of JSON-like values; key order and `undefined` members do not count. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}

function constraintTarget(key: string, node: Node): string | undefined {
  const lower = key.toLowerCase();
  if (lower.startsWith('node.labels.')) return node.Spec.Labels?.[key.slice(12)];
  if (lower.startsWith('engine.labels.')) return node.Description?.Engine?.Labels?.[key.slice(14)];
  const fields: Record<string, string | undefined> = {
    'node.id': node.id,
    'node.hostname': node.Description?.Hostname,
    'node.role': node.Role,
    'node.ip': node.Status.Addr,
    'node.platform.os': node.Description?.Platform?.OS,
    'node.platform.arch': node.Description?.Platform?.Architecture,
  };
  return fields[lower];
}

/**
 * Whether `node` satisfies every placement constraint (`==` / `!=`; values compared
 * case-insensitively; a missing label equals nothing). An unparsable constraint fails.
 */
export function nodeMeetsConstraints(constraints: readonly string[], node: Node): boolean {
  return constraints.every((expression) => {
    const constraint = parseConstraint(expression);
    if (typeof constraint === 'string') return false;
    const actual = constraintTarget(constraint.key, node);
    const equal = actual !== undefined && actual.toLowerCase() === constraint.value.toLowerCase();
    return constraint.operator === '==' ? equal : !equal;
  });
}

// Swarm treats any placement-only change as "constraints only": preferences and the
// replicas-per-node limit only steer new placements.
function onlyPlacementDiffers(serviceSpec: TaskSpec, taskSpec: TaskSpec): boolean {
  if (sameValue(serviceSpec.Placement, taskSpec.Placement)) return false;
  return sameValue({ ...serviceSpec, Placement: undefined }, { ...taskSpec, Placement: undefined });
}

/**
 * Whether `task` runs its service's current spec (swarmkit's `!IsTaskDirty`), the meaning of
 * the `_up-to-date` task filter the docker CLI's progress display uses: the task was made
 * from the service's current `SpecVersion`; or its spec equals the service's task template
 * and its endpoint spec the service's; or only the placement changed and `node`
 * (the task's node, when assigned) still meets them. A replica-count change alone therefore
 * leaves every task up to date. Pure.
 */
export function isTaskUpToDate(service: Service, task: Task, node: Node | undefined): boolean {
  if (
    service.SpecVersion !== undefined &&
    task.SpecVersion !== undefined &&
    service.SpecVersion.Index === task.SpecVersion.Index
  ) {
    return true;
  }
  const serviceSpec = service.Spec.TaskTemplate ?? {};
  const endpointSame =
    task.Endpoint === undefined || sameValue(service.Spec.EndpointSpec, task.Endpoint.Spec);
  if (!endpointSame) return false;
  if (sameValue(serviceSpec, task.Spec)) return true;
  return (
    node !== undefined &&
    onlyPlacementDiffers(serviceSpec, task.Spec) &&
    nodeMeetsConstraints(serviceSpec.Placement?.Constraints ?? [], node)
  );
}
