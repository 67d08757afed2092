import type { GenericResource } from '../../api/objects/common.ts';
import type { Task } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';

/**
 * What one task takes on its node, as the scheduler counts it: reservations (never limits),
 * host-mode published ports, and whether it is active (desired state at most `complete`,
 * Swarm's rule for the per-service and total task counts).
 */
export interface TaskUsage {
  readonly serviceId: string;
  readonly active: boolean;
  readonly nanoCpus: number;
  readonly memoryBytes: number;
  /** Generic resources reserved, by kind; absent when none. */
  readonly generic: ReadonlyMap<string, number> | undefined;
  /** Host-mode published ports, as `protocol/port`. */
  readonly hostPorts: readonly string[];
}

/** The usage of a task that reserves nothing (a placeholder before a filter is set up). */
export const NO_USAGE: TaskUsage = {
  serviceId: '',
  active: false,
  nanoCpus: 0,
  memoryBytes: 0,
  generic: undefined,
  hostPorts: [],
};

/** Units of each kind in a generic resource list (named ones count one each); absent if none. */
export function genericByKind(
  resources: readonly GenericResource[] | undefined,
): Map<string, number> | undefined {
  if (!resources || resources.length === 0) return undefined;
  const byKind = new Map<string, number>();
  for (const resource of resources) {
    const discrete = resource.DiscreteResourceSpec;
    const named = resource.NamedResourceSpec;
    if (discrete) byKind.set(discrete.Kind, (byKind.get(discrete.Kind) ?? 0) + discrete.Value);
    if (named) byKind.set(named.Kind, (byKind.get(named.Kind) ?? 0) + 1);
  }
  return byKind.size > 0 ? byKind : undefined;
}

/**
 * The host-mode published ports of a task (`tcp/8080`), from the endpoint the allocator gave
 * its service (`Endpoint.Ports`), else the endpoint spec; ports published as 0 (dynamic) do
 * not conflict and are left out.
 */
export function hostPortsOf(task: Task): string[] {
  const ports = task.Endpoint?.Ports ?? task.Endpoint?.Spec?.Ports ?? [];
  const out: string[] = [];
  for (const port of ports) {
    if (port.PublishMode !== 'host' || !port.PublishedPort) continue;
    out.push(`${port.Protocol ?? 'tcp'}/${port.PublishedPort}`);
  }
  return out;
}

/** Whether a task with this desired state counts as active (desired ≤ `complete`). */
export function isActiveDesire(task: Task): boolean {
  return TASK_STATE_VALUES[task.DesiredState] <= TASK_STATE_VALUES.complete;
}

/** The usage of `task` on whichever node holds it. Pure. */
export function taskUsage(task: Task): TaskUsage {
  const reservations = task.Spec.Resources?.Reservations;
  return {
    serviceId: task.ServiceID,
    active: isActiveDesire(task),
    nanoCpus: reservations?.NanoCPUs ?? 0,
    memoryBytes: reservations?.MemoryBytes ?? 0,
    generic: genericByKind(reservations?.GenericResources),
    hostPorts: hostPortsOf(task),
  };
}

/** The key failures are counted under: the service and the spec version the task came from. */
export function failureKey(task: Task): string {
  return `${task.ServiceID}@${task.SpecVersion?.Index ?? 0}`;
}
