import type { StoreObject } from './store-object.ts';
import type { TableSpec } from './table-spec.ts';

/** An object was created. `object` is the stored (frozen) object. */
export interface ObjectCreated<T extends StoreObject = StoreObject> {
  readonly kind: 'created';
  readonly table: string;
  readonly object: T;
}

/** An object was replaced; `previous` is what it was before the transaction. */
export interface ObjectUpdated<T extends StoreObject = StoreObject> {
  readonly kind: 'updated';
  readonly table: string;
  readonly object: T;
  readonly previous: T;
}

/** An object was removed; `object` is its last stored form. */
export interface ObjectDeleted<T extends StoreObject = StoreObject> {
  readonly kind: 'deleted';
  readonly table: string;
  readonly object: T;
}

/** One change to one object. */
export type ObjectChanged<T extends StoreObject = StoreObject> =
  ObjectCreated<T> | ObjectUpdated<T> | ObjectDeleted<T>;

/** Follows the changes of a successful transaction: the store now reflects `index`. */
export interface TransactionCommitted {
  readonly kind: 'committed';
  readonly index: number;
}

/**
 * The whole store was replaced from a snapshot at `index`: events between the last one seen
 * and this one are lost, so a watcher must re-read everything it cares about. Always
 * delivered, whatever the watch's filter.
 */
export interface StoreRestored {
  readonly kind: 'restored';
  readonly index: number;
}

/**
 * What watchers receive, in apply order. A transaction's object events come first, in the
 * order of its changes, then its `committed` marker; a failed transaction publishes nothing.
 */
export type StoreEvent = ObjectChanged | TransactionCommitted | StoreRestored;

/** Narrows an event to a change of `table`, typing its objects. */
export function isChangeOf<T extends StoreObject>(
  table: TableSpec<T>,
  event: StoreEvent,
): event is ObjectChanged<T> {
  return (
    (event.kind === 'created' || event.kind === 'updated' || event.kind === 'deleted') &&
    event.table === table.name
  );
}
