import { ManualClock } from '../../../src/base/clock.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import type { MemoryStoreOptions } from '../../../src/store/memory-store.ts';
import type { NewObject, StoreObject } from '../../../src/store/store-object.ts';
import { defineTable } from '../../../src/store/table-spec.ts';

/** A cut-down service: unique name, labels. */
export interface Service extends StoreObject {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly replicas: number;
}

/** A cut-down task, indexed the way the orchestrators will look tasks up. */
export interface Task extends StoreObject {
  readonly serviceId: string;
  readonly nodeId: string;
  readonly desiredState: string;
  readonly slot: number;
}

/** Nodes: names (hostnames) may repeat, as in Swarm. */
export interface Node extends StoreObject {
  readonly hostname: string;
}

export const services = defineTable<Service>({
  name: 'services',
  kind: 'service',
  uniqueName: (s) => s.name,
  indexes: {
    label: (s) => Object.entries(s.labels).flatMap(([k, v]) => [k, `${k}=${v}`]),
  },
});

export const tasks = defineTable<Task>({
  name: 'tasks',
  kind: 'task',
  indexes: {
    service: (t) => t.serviceId,
    node: (t) => t.nodeId,
    desiredState: (t) => t.desiredState,
  },
});

export const nodes = defineTable<Node>({ name: 'nodes', kind: 'node' });

export const allTables = [services, tasks, nodes];

/** A service to create (no meta). */
export function aService(id: string, name = id, extra: Partial<Service> = {}): NewObject<Service> {
  return { id, name, labels: {}, replicas: 1, ...extra };
}

/** A task to create (no meta). */
export function aTask(id: string, serviceId: string, extra: Partial<Task> = {}): NewObject<Task> {
  return { id, serviceId, nodeId: '', desiredState: 'running', slot: 1, ...extra };
}

/** A store without a Proposer over the test tables, on a ManualClock at 2024-01-01. */
export function localStore(options: Partial<MemoryStoreOptions> = {}): {
  store: MemoryStore;
  clock: ManualClock;
} {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const store = new MemoryStore({ tables: allTables, ...options }, { clock });
  return { store, clock };
}

/** The promise's rejection `code`, failing if it resolves. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error('expected a rejection');
}

/** IDs of a list of objects, sorted. */
export function ids(objects: readonly StoreObject[]): string[] {
  return objects.map((o) => o.id).sort();
}
