import type { Filters } from './filters.ts';
import {
  enumFilterValues,
  filterError,
  matchesExact,
  matchesLabels,
  matchesPattern,
  matchesPrefix,
} from './filters.ts';
import type { Config } from './objects/config.ts';
import type { Network } from './objects/network.ts';
import type { Node } from './objects/node.ts';
import { NODE_MEMBERSHIPS, NODE_ROLES } from './objects/node.ts';
import type { Secret } from './objects/secret.ts';
import type { Service } from './objects/service.ts';
import { serviceModeName } from './objects/service-spec.ts';
import type { Task } from './objects/task.ts';
import { TASK_STATES, taskName } from './objects/task.ts';

/** Filter keys `GET /nodes` accepts. */
export const NODE_FILTER_KEYS = [
  'id',
  'label',
  'membership',
  'name',
  'node.label',
  'role',
] as const;
/** Filter keys `GET /services` accepts. */
export const SERVICE_FILTER_KEYS = ['id', 'label', 'mode', 'name', 'runtime'] as const;
/** Filter keys `GET /tasks` accepts (`_up-to-date` is the CLI's hidden progress filter). */
export const TASK_FILTER_KEYS = [
  'desired-state',
  'id',
  'label',
  'name',
  'node',
  'service',
  '_up-to-date',
  'runtime',
] as const;
/** Filter keys `GET /secrets` accepts (`names` matches whole names). */
export const SECRET_FILTER_KEYS = ['id', 'label', 'name', 'names'] as const;
/** Filter keys `GET /configs` accepts. */
export const CONFIG_FILTER_KEYS = ['id', 'label', 'name'] as const;
/** Filter keys `GET /networks` accepts. */
export const NETWORK_FILTER_KEYS = [
  'dangling',
  'driver',
  'id',
  'label',
  'name',
  'scope',
  'type',
] as const;

/** A compiled filter: whether one object is in the listing. */
export type Matcher<T> = (object: T) => boolean;

/**
 * The node matcher of parsed filters: `id` and `name` (the hostname) by prefix, `label`
 * over engine labels, `node.label` over the node's own labels, `role` (current role) and
 * `membership`. Throws `FILTER_INVALID` for an unknown role or membership, in Docker's words.
 */
export function nodeMatcher(filters: Filters): Matcher<Node> {
  const roles = enumFilterValues(filters, 'role', NODE_ROLES);
  const memberships = enumFilterValues(filters, 'membership', NODE_MEMBERSHIPS);
  return (node) =>
    matchesPrefix(filters, 'id', node.id) &&
    matchesPrefix(filters, 'name', node.Description?.Hostname ?? '') &&
    matchesLabels(filters, 'label', node.Description?.Engine?.Labels) &&
    matchesLabels(filters, 'node.label', node.Spec.Labels) &&
    (roles.size === 0 || roles.has(node.Role)) &&
    (memberships.size === 0 || memberships.has(node.Membership));
}

/** The service matcher: `id`/`name` by prefix, `label`, `mode` (exact), `runtime`. */
export function serviceMatcher(filters: Filters): Matcher<Service> {
  return (service) =>
    matchesPrefix(filters, 'id', service.id) &&
    matchesPrefix(filters, 'name', service.Spec.Name ?? '') &&
    matchesLabels(filters, 'label', service.Spec.Labels) &&
    matchesExact(filters, 'mode', serviceModeName(service.Spec.Mode)) &&
    matchesExact(filters, 'runtime', service.Spec.TaskTemplate?.Runtime ?? 'container');
}

/** What the task matcher needs from the store. */
export interface TaskMatchContext {
  /**
   * Whether a task runs its service's current spec, for `_up-to-date`; without it that
   * filter matches every task.
   */
  readonly isUpToDate?: (task: Task) => boolean;
}

/**
 * The task matcher: `id` and `name` (`<service>.<slot>.<id>`) by prefix, `label` over the
 * service's labels, `service` and `node` by exact ID (resolve names and prefixes first with
 * resolveTaskFilterRefs), `desired-state`, `runtime` and `_up-to-date`. Throws
 * `FILTER_INVALID` for an unknown desired state.
 */
export function taskMatcher(filters: Filters, context: TaskMatchContext = {}): Matcher<Task> {
  const states = enumFilterValues(filters, 'desired-state', TASK_STATES);
  const upToDate = filters.has('_up-to-date') ? context.isUpToDate : undefined;
  return (task) =>
    matchesPrefix(filters, 'id', task.id) &&
    matchesPrefix(filters, 'name', taskName(task)) &&
    matchesLabels(filters, 'label', task.ServiceAnnotations?.Labels) &&
    matchesExact(filters, 'service', task.ServiceID) &&
    matchesExact(filters, 'node', task.NodeID ?? '') &&
    matchesExact(filters, 'runtime', task.Spec.Runtime ?? 'container') &&
    (states.size === 0 || states.has(task.DesiredState)) &&
    (upToDate === undefined || upToDate(task));
}

/** The secret matcher: `id`/`name` by prefix, `names` exact, `label`. */
export function secretMatcher(filters: Filters): Matcher<Secret> {
  return (secret) =>
    matchesPrefix(filters, 'id', secret.id) &&
    matchesPrefix(filters, 'name', secret.Spec.Name ?? '') &&
    matchesExact(filters, 'names', secret.Spec.Name ?? '') &&
    matchesLabels(filters, 'label', secret.Spec.Labels);
}

/** The config matcher: `id`/`name` by prefix, `label`. */
export function configMatcher(filters: Filters): Matcher<Config> {
  return (config) =>
    matchesPrefix(filters, 'id', config.id) &&
    matchesPrefix(filters, 'name', config.Spec.Name ?? '') &&
    matchesLabels(filters, 'label', config.Spec.Labels);
}

/** What the network matcher needs to know beyond the network. */
export interface NetworkMatchContext {
  /** Whether a service or task uses the network, for `dangling`. */
  readonly inUse?: (network: Network) => boolean;
}

function danglingWanted(filters: Filters): boolean | undefined {
  const values = filters.get('dangling');
  if (values === undefined || values.size === 0) return undefined;
  if (values.size > 1) throw filterError('got more than one value for filter key "dangling"');
  const [value] = values;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw filterError(
    `invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`,
  );
}

/**
 * The matcher of swarm networks: `id` and `name` exact or as a pattern (Docker's loose
 * match), `driver` and `scope` exact, `label`, `type` (`builtin` for Swarm's predefined
 * networks, else `custom`) and `dangling`. Throws `FILTER_INVALID` for a bad `type` or
 * `dangling` value, in Docker's words.
 */
export function networkMatcher(
  filters: Filters,
  context: NetworkMatchContext = {},
): Matcher<Network> {
  for (const type of filters.get('type') ?? []) {
    if (type !== 'builtin' && type !== 'custom') {
      throw filterError(`invalid filter: 'type'='${type}'`);
    }
  }
  const dangling = danglingWanted(filters);
  return (network) => {
    const builtin = 'com.docker.swarm.predefined' in (network.Spec.Labels ?? {});
    const driver = network.DriverState?.Name ?? network.Spec.DriverConfiguration?.Name;
    return (
      matchesPattern(filters, 'id', network.id) &&
      matchesPattern(filters, 'name', network.Spec.Name ?? '') &&
      matchesExact(filters, 'driver', driver ?? 'overlay') &&
      matchesExact(filters, 'scope', 'swarm') &&
      matchesLabels(filters, 'label', network.Spec.Labels) &&
      matchesExact(filters, 'type', builtin ? 'builtin' : 'custom') &&
      (dangling === undefined || dangling === !(builtin || (context.inUse?.(network) ?? false)))
    );
  };
}
