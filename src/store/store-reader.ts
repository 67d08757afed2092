import type { StoreObject } from './store-object.ts';
import type { TableSpec } from './table-spec.ts';

/** A query on a secondary index declared in the table's {@link TableSpec.indexes}. */
export interface FindQuery {
  readonly index: string;
  readonly value: string;
}

/**
 * Reads of the store, offered by the store itself (committed state) and by a transaction
 * (committed state plus the transaction's own writes).
 *
 * Every object returned is deeply frozen and shared: never mutate it; to change one, copy
 * it (`structuredClone`, or a spread of the fields you change) and write the copy. Arrays
 * returned are fresh and the caller's to keep; their order is not promised. A read is
 * consistent with the last applied transaction as long as the caller does not await between
 * reads; use `store.view` to group reads explicitly. Asking for an index the table does not
 * declare throws an `InvariantError`.
 */
export interface StoreReader {
  /** The object with this exact ID. */
  get<T extends StoreObject>(table: TableSpec<T>, id: string): T | undefined;
  /** The object holding this unique name, compared case-insensitively. */
  getByName<T extends StoreObject>(table: TableSpec<T>, name: string): T | undefined;
  /** Objects filed under `value` in index `index`; O(matches), no table scan. */
  find<T extends StoreObject>(table: TableSpec<T>, query: FindQuery): T[];
  /** Every object of the table. */
  all<T extends StoreObject>(table: TableSpec<T>): T[];
  /**
   * Every object whose ID starts with `prefix` (none for `''`), so the API can resolve a
   * unique prefix or report "ambiguous (N matches found)". Scans the table's IDs.
   */
  findByIdPrefix<T extends StoreObject>(table: TableSpec<T>, prefix: string): T[];
}
