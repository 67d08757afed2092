import { statusOf } from '../api/errors.ts';
import { ShoalError } from '../base/errors.ts';

/** An update carried a `meta.version` other than the stored one (someone wrote in between). */
export const STORE_SEQUENCE_CONFLICT = 'STORE_SEQUENCE_CONFLICT';
/** A create used an ID the table already holds. */
export const STORE_EXISTS = 'STORE_EXISTS';
/** A create or update would give two objects of a table the same name (case-insensitive). */
export const STORE_NAME_CONFLICT = 'STORE_NAME_CONFLICT';
/** An update or delete named an object the table does not hold. */
export const STORE_NOT_FOUND = 'STORE_NOT_FOUND';
/** An encoded transaction exceeds the store's size limit (1.5 MiB by default). */
export const STORE_REQUEST_TOO_LARGE = 'STORE_REQUEST_TOO_LARGE';
/** A watcher fell too far behind and was closed; it must re-read and watch again. */
export const STORE_WATCH_OVERFLOW = 'STORE_WATCH_OVERFLOW';

function storeError(code: string, message: string, retryable = false): ShoalError {
  return new ShoalError(code, message, { status: statusOf(code), retryable });
}

/** Docker's `ErrSequenceConflict`, with Docker's text ("update out of sequence"). */
export function sequenceConflict(): ShoalError {
  return storeError(STORE_SEQUENCE_CONFLICT, 'update out of sequence');
}

/** A create of an ID already present in the table. */
export function objectExists(kind: string, id: string): ShoalError {
  return storeError(STORE_EXISTS, `${kind} ${id} already exists`);
}

/** Docker's "<kind> <name> already exists" for a name another object of the table holds. */
export function nameConflict(kind: string, name: string): ShoalError {
  return storeError(STORE_NAME_CONFLICT, `${kind} ${name} already exists`);
}

/** An update or delete of an object that is not (or no longer) in the table. */
export function objectNotFound(kind: string, id: string): ShoalError {
  return storeError(STORE_NOT_FOUND, `${kind} ${id} not found`);
}

/** A transaction whose encoding is `bytes` long, over the `limit`. */
export function requestTooLarge(bytes: number, limit: number): ShoalError {
  return storeError(
    STORE_REQUEST_TOO_LARGE,
    `transaction is too large (${bytes} bytes, limit ${limit}): write fewer or smaller objects per transaction, or use store.batch`,
  );
}

/** Closes a watcher whose queue went past `limit` undelivered events. */
export function watchOverflow(limit: number): ShoalError {
  return storeError(
    STORE_WATCH_OVERFLOW,
    `watcher fell more than ${limit} events behind and was closed: re-read the store and watch again`,
    true,
  );
}
