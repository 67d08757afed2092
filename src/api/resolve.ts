import { ShoalError } from '../base/errors.ts';
import type { ErrorCode } from './errors.ts';
import { statusOf } from './errors.ts';
import type { Filters } from './filters.ts';
import type { Config } from './objects/config.ts';
import type { Network } from './objects/network.ts';
import type { Node } from './objects/node.ts';
import type { Secret } from './objects/secret.ts';
import type { Service } from './objects/service.ts';
import type { Task } from './objects/task.ts';
import { taskName } from './objects/task.ts';

/** The kinds a reference can name, as Docker's messages spell them. */
export type ObjectKind = 'node' | 'service' | 'task' | 'network' | 'secret' | 'config';

const NOT_FOUND: Readonly<Record<ObjectKind, ErrorCode>> = {
  node: 'NODE_NOT_FOUND',
  service: 'SERVICE_NOT_FOUND',
  task: 'TASK_NOT_FOUND',
  network: 'NETWORK_NOT_FOUND',
  secret: 'SECRET_NOT_FOUND',
  config: 'CONFIG_NOT_FOUND',
};

/** How to read an object's ID and the name a reference may use for it. */
export interface ReferenceKeys<T> {
  readonly id: (object: T) => string;
  readonly name: (object: T) => string | undefined;
}

/** Docker's 404 for a reference that names nothing: "<kind> <ref> not found". */
export function notFoundError(kind: ObjectKind, ref: string): ShoalError {
  const code = NOT_FOUND[kind];
  return new ShoalError(code, `${kind} ${ref} not found`, { status: statusOf(code) });
}

/** Docker's 400 for a reference that names several objects. */
export function ambiguousError(kind: ObjectKind, ref: string, matches: number): ShoalError {
  return new ShoalError(
    'REFERENCE_AMBIGUOUS',
    `${kind} ${ref} is ambiguous (${matches} matches found)`,
    { status: statusOf('REFERENCE_AMBIGUOUS') },
  );
}

function single<T>(kind: ObjectKind, ref: string, matches: readonly T[]): T | undefined {
  if (matches.length > 1) throw ambiguousError(kind, ref, matches.length);
  return matches[0];
}

/**
 * Finds the one object `ref` names, the way Docker resolves path parameters: an exact ID
 * first, then an exact (case-sensitive) name, then a unique ID prefix; a name prefix never
 * counts. Throws `<KIND>_NOT_FOUND` (404, "<kind> <ref> not found") when nothing matches and
 * `REFERENCE_AMBIGUOUS` (400, "<kind> <ref> is ambiguous (N matches found)") when several
 * objects share the name or the prefix.
 */
export function resolveReference<T>(
  kind: ObjectKind,
  ref: string,
  objects: Iterable<T>,
  keys: ReferenceKeys<T>,
): T {
  const all = [...objects];
  if (ref === '') throw notFoundError(kind, ref);
  const byId = all.find((object) => keys.id(object) === ref);
  if (byId !== undefined) return byId;
  const byName = single(
    kind,
    ref,
    all.filter((object) => keys.name(object) === ref),
  );
  if (byName !== undefined) return byName;
  const byPrefix = single(
    kind,
    ref,
    all.filter((object) => keys.id(object).startsWith(ref)),
  );
  if (byPrefix !== undefined) return byPrefix;
  throw notFoundError(kind, ref);
}

/** Resolves a node by ID, hostname (which need not be unique) or ID prefix. */
export function resolveNode(ref: string, nodes: Iterable<Node>): Node {
  return resolveReference('node', ref, nodes, {
    id: (node) => node.id,
    name: (node) => node.Description?.Hostname,
  });
}

/** Resolves a service by ID, name or ID prefix. */
export function resolveService(ref: string, services: Iterable<Service>): Service {
  return resolveReference('service', ref, services, {
    id: (service) => service.id,
    name: (service) => service.Spec.Name,
  });
}

/** Resolves a task by ID, name (`<service>.<slot>.<task id>`) or ID prefix. */
export function resolveTask(ref: string, tasks: Iterable<Task>): Task {
  return resolveReference('task', ref, tasks, { id: (task) => task.id, name: taskName });
}

/** Resolves a network by ID, name or ID prefix. */
export function resolveNetwork(ref: string, networks: Iterable<Network>): Network {
  return resolveReference('network', ref, networks, {
    id: (network) => network.id,
    name: (network) => network.Spec.Name,
  });
}

/** Resolves a secret by ID, name or ID prefix. */
export function resolveSecret(ref: string, secrets: Iterable<Secret>): Secret {
  return resolveReference('secret', ref, secrets, {
    id: (secret) => secret.id,
    name: (secret) => secret.Spec.Name,
  });
}

/** Resolves a config by ID, name or ID prefix. */
export function resolveConfig(ref: string, configs: Iterable<Config>): Config {
  return resolveReference('config', ref, configs, {
    id: (config) => config.id,
    name: (config) => config.Spec.Name,
  });
}

/**
 * The task filters with each `service` and `node` value resolved to an ID, as Docker does
 * before listing tasks (so `service=web` and `node=<hostname>` work). Throws the errors of
 * {@link resolveReference} for values that name nothing or several objects.
 */
export function resolveTaskFilterRefs(
  filters: Filters,
  services: Iterable<Service>,
  nodes: Iterable<Node>,
): Filters {
  const resolved = new Map(filters);
  const serviceRefs = filters.get('service');
  if (serviceRefs !== undefined) {
    const list = [...services];
    resolved.set('service', new Set([...serviceRefs].map((ref) => resolveService(ref, list).id)));
  }
  const nodeRefs = filters.get('node');
  if (nodeRefs !== undefined) {
    const list = [...nodes];
    resolved.set('node', new Set([...nodeRefs].map((ref) => resolveNode(ref, list).id)));
  }
  return resolved;
}
