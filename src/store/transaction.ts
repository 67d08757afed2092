import { InvariantError } from '../base/errors.ts';
import type { Change, ObjectBody } from './changeset.ts';
import { encodeChange, utf8Length } from './changeset.ts';
import { objectExists, objectNotFound, sequenceConflict } from './store-errors.ts';
import type { ObjectMeta, NewObject, StoreObject } from './store-object.ts';
import { deepFreeze } from './store-object.ts';
import type { FindQuery, StoreReader } from './store-reader.ts';
import type { TableSpec } from './table-spec.ts';
import { kindOf, nameKey } from './table-spec.ts';

interface Entry {
  readonly key: string;
  readonly change: Change;
  readonly json: string;
  readonly bytes: number;
  /** Position of the previous live entry for the same object (a delete before a re-create). */
  readonly prev: number | undefined;
}

type AnySpec = TableSpec<StoreObject>;

/**
 * The writes of one transaction, being built. Writes are recorded, not applied: the store
 * encodes them into one proposal and every replica validates them at apply time, so the
 * checks that matter (versions, IDs, names against the committed state) happen there.
 *
 * The transaction checks only its own consistency when a write is recorded: creating an
 * object it already created throws `STORE_EXISTS`, touching one it deleted throws
 * `STORE_NOT_FOUND`, updating one it wrote with another `meta.version` than its own copy
 * carries throws `STORE_SEQUENCE_CONFLICT`. Several writes of one object fold into one
 * change (create + update → create; update + delete → delete that still checks the version).
 *
 * Reads see the committed state with this transaction's writes laid over it. An object
 * written in the transaction reads back with `meta.version` 0 if it was created here, or the
 * version it was read at if it was updated here: pass it back unchanged to update it again.
 */
export class Transaction implements StoreReader {
  private readonly entries: (Entry | undefined)[] = [];
  private readonly last = new Map<string, number>();
  private readonly overlay = new Map<string, Map<string, StoreObject | null>>();
  private live = 0;
  private changeBytes = 0;

  /**
   * @param base the committed state (or an enclosing transaction) reads fall through to
   * @param tables the store's tables by name; writes to any other spec throw InvariantError
   * @param at the proposer's clock reading, used for pending objects' timestamps
   */
  constructor(
    private readonly base: StoreReader,
    private readonly tables: ReadonlyMap<string, AnySpec>,
    readonly at: string,
  ) {}

  /** Number of changes the transaction will propose. */
  get size(): number {
    return this.live;
  }

  /** Encoded size of the changes, without the transaction's envelope. */
  get bytes(): number {
    return this.changeBytes + Math.max(0, this.live - 1);
  }

  /** Records the creation of `object`; returns it as this transaction now reads it. */
  create<T extends StoreObject>(table: TableSpec<T>, object: NewObject<T>): T {
    const spec = this.known(table);
    return this.record(spec, { op: 'create', table: spec.name, object: copyBody(object) }) as T;
  }

  /**
   * Records an update of `object`, which must carry the `meta.version` it was read at;
   * returns it as this transaction now reads it.
   */
  update<T extends StoreObject>(table: TableSpec<T>, object: T): T {
    const spec = this.known(table);
    const version = object.meta.version;
    return this.record(spec, {
      op: 'update',
      table: spec.name,
      object: copyBody(object),
      version,
    }) as T;
  }

  /** Records the deletion of the object with this ID. */
  delete<T extends StoreObject>(table: TableSpec<T>, id: string): void {
    const spec = this.known(table);
    this.record(spec, { op: 'delete', table: spec.name, id });
  }

  /** The encoded changes, in the order they apply. */
  encodedChanges(): string[] {
    const out: string[] = [];
    for (const entry of this.entries) if (entry) out.push(entry.json);
    return out;
  }

  /** Keys (`table\0id`) of the objects this transaction creates or updates. */
  writtenKeys(): Set<string> {
    const keys = new Set<string>();
    for (const [key, pos] of this.last)
      if (this.entries[pos]?.change.op !== 'delete') keys.add(key);
    return keys;
  }

  /**
   * Folds the writes of `child` (built over this transaction) into this one. With `rebase`,
   * `child` was built over a transaction that has since committed at `rebase.index`: versions
   * it read from that transaction's objects (`rebase.keys`) become that index.
   */
  absorb(
    child: Transaction,
    rebase?: { readonly keys: ReadonlySet<string>; readonly index: number },
  ): void {
    for (const entry of child.entries) {
      if (!entry) continue;
      let change = entry.change;
      if (
        rebase &&
        change.op !== 'create' &&
        rebase.keys.has(entry.key) &&
        change.version !== undefined
      ) {
        change = { ...change, version: rebase.index };
      }
      this.record(this.tables.get(change.table)!, change);
    }
  }

  get<T extends StoreObject>(table: TableSpec<T>, id: string): T | undefined {
    const pending = this.overlay.get(table.name)?.get(id);
    if (pending !== undefined) return (pending ?? undefined) as T | undefined;
    return this.base.get(table, id);
  }

  getByName<T extends StoreObject>(table: TableSpec<T>, name: string): T | undefined {
    const pending = this.overlay.get(table.name);
    const key = nameKey(name);
    for (const object of pending?.values() ?? []) {
      const held = object && table.uniqueName?.(object as T);
      if (held && nameKey(held) === key) return object as T;
    }
    const committed = this.base.getByName(table, name);
    return committed && pending?.has(committed.id) ? undefined : committed;
  }

  find<T extends StoreObject>(table: TableSpec<T>, query: FindQuery): T[] {
    const fn = table.indexes?.[query.index];
    return this.merge(table, this.base.find(table, query), (object) => {
      const keys = fn?.(object) ?? [];
      return typeof keys === 'string' ? keys === query.value : keys.includes(query.value);
    });
  }

  all<T extends StoreObject>(table: TableSpec<T>): T[] {
    return this.merge(table, this.base.all(table), () => true);
  }

  findByIdPrefix<T extends StoreObject>(table: TableSpec<T>, prefix: string): T[] {
    if (prefix === '') return [];
    return this.merge(table, this.base.findByIdPrefix(table, prefix), (o) =>
      o.id.startsWith(prefix),
    );
  }

  private merge<T extends StoreObject>(
    table: TableSpec<T>,
    committed: T[],
    matches: (o: T) => boolean,
  ): T[] {
    const pending = this.overlay.get(table.name);
    if (!pending) return committed;
    const out = committed.filter((object) => !pending.has(object.id));
    for (const object of pending.values())
      if (object && matches(object as T)) out.push(object as T);
    return out;
  }

  private known(table: AnySpec): AnySpec {
    if (this.tables.get(table.name) !== table) {
      throw new InvariantError(
        'store-known-table',
        `table ${table.name} is not one of this store's tables`,
      );
    }
    return table;
  }

  private record(spec: AnySpec, change: Change): StoreObject | undefined {
    const id = change.op === 'delete' ? change.id : change.object.id;
    const key = `${spec.name}\0${id}`;
    const pos = this.last.get(key);
    const prev = pos === undefined ? undefined : this.entries[pos];
    const kind = kindOf(spec);
    if (change.op === 'create') {
      if (prev && prev.change.op !== 'delete') throw objectExists(kind, id);
      this.push(key, change, pos);
      return this.show(spec, change.object, { version: 0, createdAt: this.at, updatedAt: this.at });
    }
    if (prev?.change.op === 'delete') throw objectNotFound(kind, id);
    if (change.op === 'update') {
      if (!prev || pos === undefined) {
        this.push(key, change, undefined);
        const createdAt = this.base.get(spec, id)?.meta.createdAt ?? this.at;
        return this.show(spec, change.object, {
          version: change.version,
          createdAt,
          updatedAt: this.at,
        });
      }
      const pendingVersion = prev.change.op === 'update' ? prev.change.version : 0;
      if (change.version !== pendingVersion) throw sequenceConflict();
      const folded: Change =
        prev.change.op === 'update'
          ? { ...change, version: pendingVersion }
          : { op: 'create', table: change.table, object: change.object };
      const createdAt = this.get(spec, id)?.meta.createdAt ?? this.at;
      this.replaceAt(pos, { ...prev, change: folded });
      return this.show(spec, change.object, {
        version: pendingVersion,
        createdAt,
        updatedAt: this.at,
      });
    }
    if (!prev || pos === undefined) {
      this.push(key, change, undefined);
    } else if (prev.change.op === 'create') {
      this.replaceAt(pos, undefined);
      if (prev.prev === undefined) this.last.delete(key);
      else this.last.set(key, prev.prev);
    } else if (prev.change.op === 'update') {
      this.replaceAt(pos, {
        ...prev,
        change: { op: 'delete', table: spec.name, id, version: prev.change.version },
      });
    }
    this.pendingOf(spec).set(id, null);
    return undefined;
  }

  private show(spec: AnySpec, body: ObjectBody, meta: ObjectMeta): StoreObject {
    const { meta: _ignored, id, ...rest } = body;
    const object = deepFreeze({ id, meta, ...rest });
    this.pendingOf(spec).set(body.id, object);
    return object;
  }

  private pendingOf(spec: AnySpec): Map<string, StoreObject | null> {
    let pending = this.overlay.get(spec.name);
    if (!pending) this.overlay.set(spec.name, (pending = new Map<string, StoreObject | null>()));
    return pending;
  }

  private push(key: string, change: Change, prev: number | undefined): void {
    this.last.set(key, this.entries.length);
    this.entries.push(undefined);
    this.replaceAt(this.entries.length - 1, { key, change, json: '', bytes: 0, prev });
  }

  /** Puts `entry` (re-encoded) at `pos`, or leaves a hole, keeping the counters true. */
  private replaceAt(pos: number, entry: Entry | undefined): void {
    const old = this.entries[pos];
    if (old) {
      this.live--;
      this.changeBytes -= old.bytes;
    }
    if (!entry) {
      this.entries[pos] = undefined;
      return;
    }
    const json = encodeChange(entry.change);
    const bytes = utf8Length(json);
    this.entries[pos] = { ...entry, json, bytes };
    this.live++;
    this.changeBytes += bytes;
  }
}

/** A JSON copy of an object without its meta: what the caller holds can change no more. */
function copyBody(object: { readonly id: string; readonly meta?: ObjectMeta }): ObjectBody {
  const { meta: _meta, ...body } = object;
  const copy = JSON.parse(JSON.stringify(body)) as unknown;
  const id = (copy as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new InvariantError(
      'store-object-id',
      'an object written to the store needs a non-empty string id',
    );
  }
  return deepFreeze(copy as ObjectBody);
}
