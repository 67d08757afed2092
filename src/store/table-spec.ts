import type { StoreObject } from './store-object.ts';

/**
 * A secondary index: the keys an object is found under. Return `[]` (or an empty string
 * array) to leave the object out of the index. Must be a pure function of the object, since
 * every replica computes it independently.
 */
export type IndexFn<T extends StoreObject> = {
  // Method syntax makes the parameter bivariant, so a TableSpec<Task> can be held in a list
  // of TableSpec<StoreObject>; the store only ever calls it with objects of its own table.
  keys(object: T): string | readonly string[];
}['keys'];

/**
 * Declares one table. The spec object is also the handle callers pass to reads and writes,
 * and it carries the object type, so `store.get(tasks, id)` returns a `Task`.
 *
 * Every replica must be built with the same specs (same names, same index functions):
 * indexes are recomputed locally, never replicated.
 */
export interface TableSpec<T extends StoreObject> {
  /** Table name, unique in a store; it appears in events and in every transaction. */
  readonly name: string;
  /** Singular noun for messages ("service" → "service web already exists"). Default: `name`. */
  readonly kind?: string;
  /**
   * The object's unique name, compared case-insensitively (as Swarm does for services,
   * networks, secrets, configs and the cluster). Omit for tables whose names may repeat
   * (nodes). An object whose function returns `undefined` or `''` holds no name.
   */
  uniqueName?(object: T): string | undefined;
  /** Secondary indexes by name, queried with `find(table, { index, value })`. */
  readonly indexes?: Readonly<Record<string, IndexFn<T>>>;
}

/** The key under which a unique name is stored and looked up. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** The singular noun a table's messages use. */
export function kindOf(spec: TableSpec<StoreObject>): string {
  return spec.kind ?? spec.name;
}

/**
 * Identity helper that checks a spec against its object type and keeps `T` inferred:
 * `export const services = defineTable<Service>({ name: 'services', ... })`.
 */
export function defineTable<T extends StoreObject>(spec: TableSpec<T>): TableSpec<T> {
  return spec;
}
