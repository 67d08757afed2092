import { InvariantError } from '../base/errors.ts';
import type { StoreObject } from './store-object.ts';
import type { IndexFn, TableSpec } from './table-spec.ts';
import { nameKey } from './table-spec.ts';

function indexKeys<T extends StoreObject>(fn: IndexFn<T>, object: T): string[] {
  const keys = fn(object);
  if (typeof keys === 'string') return keys === '' ? [] : [keys];
  return [...new Set(keys)].filter((key) => key !== '');
}

/**
 * The objects of one table and their indexes, mutated only by the apply path. Every write
 * costs O(indexes × keys of the object); no write scans the table. Objects are stored as
 * given (the caller freezes them) and reads return those same references.
 */
export class TableState<T extends StoreObject> {
  private readonly byId = new Map<string, T>();
  /** Lower-cased unique name → ID. */
  private readonly byName = new Map<string, string>();
  /** Index name → key → IDs under that key. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexFns: readonly (readonly [string, IndexFn<T>])[];
  /** The maps of `indexes`, in the order of `indexFns`. */
  private readonly indexMaps: Map<string, Set<string>>[];

  constructor(readonly spec: TableSpec<T>) {
    this.indexFns = Object.entries(spec.indexes ?? {});
    this.indexMaps = this.indexFns.map(([name]) => {
      const map = new Map<string, Set<string>>();
      this.indexes.set(name, map);
      return map;
    });
  }

  /** Number of objects. */
  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** The ID holding `name` (case-insensitive), if any. */
  nameOwner(name: string): string | undefined {
    return this.byName.get(nameKey(name));
  }

  getByName(name: string): T | undefined {
    const id = this.nameOwner(name);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Objects under `key` of index `index`, in no promised order; O(matches). */
  find(index: string, key: string): T[] {
    const ids = this.indexOf(index).get(key);
    if (!ids) return [];
    const found: T[] = [];
    for (const id of ids) found.push(this.byId.get(id)!);
    return found;
  }

  /** Every object, in creation order. */
  all(): T[] {
    return [...this.byId.values()];
  }

  /** Objects whose ID starts with `prefix` (none for an empty prefix); scans the IDs. */
  findByIdPrefix(prefix: string): T[] {
    if (prefix === '') return [];
    const found: T[] = [];
    for (const [id, object] of this.byId) if (id.startsWith(prefix)) found.push(object);
    return found;
  }

  /** The unique name `object` holds, or undefined when the table has none or it is empty. */
  nameOf(object: T): string | undefined {
    const name = this.spec.uniqueName?.(object);
    return name === undefined || name === '' ? undefined : name;
  }

  /**
   * Adds an object whose ID and name are free (the caller checked). Index keys are computed
   * before anything changes, so an index function that throws leaves the table untouched.
   */
  insert(object: T): void {
    if (this.byId.has(object.id)) {
      throw new InvariantError('store-unique-id', `${this.spec.name}/${object.id} exists`);
    }
    const name = this.nameOf(object);
    const key = name === undefined ? undefined : nameKey(name);
    if (key !== undefined && this.byName.has(key)) {
      throw new InvariantError('store-unique-name', `${this.spec.name} name ${name} is taken`);
    }
    const keys = this.keysOf(object);
    if (key !== undefined) this.byName.set(key, object.id);
    this.byId.set(object.id, object);
    keys.forEach((list, i) => list.forEach((k) => this.addKey(i, k, object.id)));
  }

  /**
   * Replaces `previous` by `next` (same ID) in place; `next`'s name must be free or its own.
   * Only index keys that differ are touched.
   */
  replace(previous: T, next: T): void {
    const oldName = this.nameOf(previous);
    const newName = this.nameOf(next);
    const before = this.keysOf(previous);
    const after = this.keysOf(next);
    if (oldName !== undefined) this.byName.delete(nameKey(oldName));
    if (newName !== undefined) this.byName.set(nameKey(newName), next.id);
    this.byId.set(next.id, next);
    before.forEach((old, i) => {
      const now = after[i]!;
      for (const k of old) if (!now.includes(k)) this.removeKey(i, k, next.id);
      for (const k of now) if (!old.includes(k)) this.addKey(i, k, next.id);
    });
  }

  /** Removes a stored object. */
  remove(object: T): void {
    const keys = this.keysOf(object);
    const name = this.nameOf(object);
    if (name !== undefined) this.byName.delete(nameKey(name));
    this.byId.delete(object.id);
    keys.forEach((list, i) => list.forEach((k) => this.removeKey(i, k, object.id)));
  }

  /** The object's keys in every index, in declaration order. */
  private keysOf(object: T): string[][] {
    return this.indexFns.map(([, fn]) => indexKeys(fn, object));
  }

  private indexOf(index: string): Map<string, Set<string>> {
    const found = this.indexes.get(index);
    if (!found) {
      throw new InvariantError(
        'store-known-index',
        `table ${this.spec.name} has no index "${index}"`,
      );
    }
    return found;
  }

  private addKey(position: number, key: string, id: string): void {
    const keys = this.indexMaps[position]!;
    let ids = keys.get(key);
    if (!ids) keys.set(key, (ids = new Set()));
    ids.add(id);
  }

  private removeKey(position: number, key: string, id: string): void {
    const keys = this.indexMaps[position]!;
    const ids = keys.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) keys.delete(key);
  }
}
