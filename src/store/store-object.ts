/**
 * Bookkeeping the store keeps on every object. The store owns it: whatever a caller puts
 * in `meta` on create is replaced, and on update only `meta.version` is read (as the version
 * the caller's copy was read at).
 */
export interface ObjectMeta {
  /**
   * The Raft index of the transaction that last wrote the object (Docker's
   * `Version.Index`). An update must carry the version it read, or it fails with
   * `STORE_SEQUENCE_CONFLICT`.
   */
  readonly version: number;
  /** ISO-8601 time of the creating transaction, as its proposer's clock read it. */
  readonly createdAt: string;
  /** ISO-8601 time of the last writing transaction, as its proposer's clock read it. */
  readonly updatedAt: string;
}

/**
 * Any record the store can hold: plain JSON (no `undefined` values that matter, no class
 * instances, no cycles), keyed by a non-empty `id` unique within its table.
 */
export interface StoreObject {
  readonly id: string;
  readonly meta: ObjectMeta;
}

/** An object as a caller creates it: `meta` may be left out, the store fills it in. */
export type NewObject<T extends StoreObject> = Omit<T, 'meta'> & { readonly meta?: ObjectMeta };

/**
 * Makes `value` and everything reachable from it immutable, in place, and returns it.
 * The store freezes every object it stores, so the references its reads return can be
 * shared with every caller.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
