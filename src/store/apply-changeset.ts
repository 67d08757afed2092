import { InvariantError } from '../base/errors.ts';
import type { Change, Changeset, ObjectBody } from './changeset.ts';
import { nameConflict, objectExists, objectNotFound, sequenceConflict } from './store-errors.ts';
import type { ObjectChanged } from './store-event.ts';
import type { ObjectMeta, StoreObject } from './store-object.ts';
import { deepFreeze } from './store-object.ts';
import { kindOf } from './table-spec.ts';
import type { TableState } from './table-state.ts';

type Tables = ReadonlyMap<string, TableState<StoreObject>>;

function stored(body: ObjectBody, meta: ObjectMeta): StoreObject {
  // A body never carries meta (writers strip it); dropping one anyway keeps apply the
  // single authority over versions, whoever produced the bytes.
  const { meta: _ignored, id, ...rest } = body;
  return deepFreeze({ id, meta, ...rest });
}

function checkNameFree(table: TableState<StoreObject>, object: StoreObject): void {
  const name = table.nameOf(object);
  if (name === undefined) return;
  const owner = table.nameOwner(name);
  if (owner !== undefined && owner !== object.id) throw nameConflict(kindOf(table.spec), name);
}

/** Applies one change, returning its event and the step that undoes it. */
function applyChange(
  tables: Tables,
  change: Change,
  index: number,
  at: string,
): { event: ObjectChanged; undo: () => void } {
  const table = tables.get(change.table);
  if (!table) throw new InvariantError('store-known-table', `no table named ${change.table}`);
  const kind = kindOf(table.spec);
  const id = change.op === 'delete' ? change.id : change.object.id;
  const existing = table.get(id);
  if (change.op === 'create') {
    if (existing) throw objectExists(kind, id);
    const object = stored(change.object, { version: index, createdAt: at, updatedAt: at });
    checkNameFree(table, object);
    table.insert(object);
    return {
      event: { kind: 'created', table: change.table, object },
      undo: () => table.remove(object),
    };
  }
  if (!existing) throw objectNotFound(kind, id);
  if (change.version !== undefined && change.version !== existing.meta.version) {
    throw sequenceConflict();
  }
  if (change.op === 'delete') {
    table.remove(existing);
    return {
      event: { kind: 'deleted', table: change.table, object: existing },
      undo: () => table.insert(existing),
    };
  }
  const meta = { version: index, createdAt: existing.meta.createdAt, updatedAt: at };
  const object = stored(change.object, meta);
  checkNameFree(table, object);
  table.replace(existing, object);
  return {
    event: { kind: 'updated', table: change.table, object, previous: existing },
    undo: () => table.replace(object, existing),
  };
}

/**
 * Applies a transaction at Raft `index`, all or nothing: either every change is applied
 * and their events are returned in order, or the first failing check throws its ShoalError
 * (`STORE_EXISTS`, `STORE_NOT_FOUND`, `STORE_SEQUENCE_CONFLICT`, `STORE_NAME_CONFLICT`), or an
 * InvariantError for a table this store does not have, after every change already applied
 * is undone. Costs O(changes × indexes); the outcome depends only on the tables and the
 * arguments, so every replica decides the same.
 */
export function applyChangeset(
  tables: Tables,
  changeset: Changeset,
  index: number,
): ObjectChanged[] {
  const events: ObjectChanged[] = [];
  const undo: (() => void)[] = [];
  try {
    for (const change of changeset.changes) {
      const step = applyChange(tables, change, index, changeset.at);
      events.push(step.event);
      undo.push(step.undo);
    }
  } catch (error) {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
    throw error;
  }
  return events;
}
