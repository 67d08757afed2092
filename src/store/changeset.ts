import { Buffer } from 'node:buffer';

/** An object as it travels in a transaction: everything but `meta`, which apply rebuilds. */
export type ObjectBody = { readonly id: string } & Readonly<Record<string, unknown>>;

/**
 * One write of a transaction. `version` on an update is the `meta.version` the writer read;
 * on a delete it is present only when the transaction updated the object before deleting it.
 */
export type Change =
  | { readonly op: 'create'; readonly table: string; readonly object: ObjectBody }
  | {
      readonly op: 'update';
      readonly table: string;
      readonly object: ObjectBody;
      readonly version: number;
    }
  | {
      readonly op: 'delete';
      readonly table: string;
      readonly id: string;
      readonly version?: number;
    };

/**
 * A decoded transaction: its ID (so the node that proposed it can tell its caller the
 * outcome), the proposer's clock reading that becomes the objects' timestamps, and the
 * changes in the order they apply.
 */
export interface Changeset {
  readonly txId: string;
  readonly at: string;
  readonly changes: readonly Change[];
}

/** One change as wire JSON, `["c",table,body]`, `["u",table,body,version]` or `["d",table,id(,version)]`. */
export function encodeChange(change: Change): string {
  const table = JSON.stringify(change.table);
  switch (change.op) {
    case 'create':
      return `["c",${table},${JSON.stringify(change.object)}]`;
    case 'update':
      return `["u",${table},${JSON.stringify(change.object)},${change.version}]`;
    case 'delete': {
      const id = JSON.stringify(change.id);
      return change.version === undefined
        ? `["d",${table},${id}]`
        : `["d",${table},${id},${change.version}]`;
    }
  }
}

/** The UTF-8 length of a string, as it will count in the proposal. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes of the envelope around the changes of a changeset with this ID and time. */
export function changesetOverhead(txId: string, at: string): number {
  return utf8Length(changesetHead(txId, at)) + 2;
}

function changesetHead(txId: string, at: string): string {
  return `{"t":${JSON.stringify(txId)},"at":${JSON.stringify(at)},"c":[`;
}

/**
 * The proposal bytes of a transaction whose changes are already encoded with
 * {@link encodeChange}: compact JSON, `{"t":txId,"at":time,"c":[change,...]}`.
 */
export function encodeChangeset(
  txId: string,
  at: string,
  encodedChanges: readonly string[],
): Uint8Array {
  return Buffer.from(`${changesetHead(txId, at)}${encodedChanges.join(',')}]}`, 'utf8');
}

function isBody(value: unknown): value is ObjectBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { id?: unknown }).id === 'string' &&
    (value as { id: string }).id !== ''
  );
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function decodeChange(raw: unknown): Change | undefined {
  if (!Array.isArray(raw) || typeof raw[1] !== 'string') return undefined;
  const [op, table, subject, version] = raw as [unknown, string, unknown, unknown];
  if (op === 'c' && isBody(subject) && raw.length === 3)
    return { op: 'create', table, object: subject };
  if (op === 'u' && isBody(subject) && isVersion(version) && raw.length === 4) {
    return { op: 'update', table, object: subject, version };
  }
  if (op === 'd' && typeof subject === 'string' && subject !== '') {
    if (raw.length === 3) return { op: 'delete', table, id: subject };
    if (raw.length === 4 && isVersion(version))
      return { op: 'delete', table, id: subject, version };
  }
  return undefined;
}

/**
 * Decodes proposal bytes; `undefined` when they are not a well-formed changeset (every
 * replica reaches the same verdict on the same bytes). Objects in the result are fresh, owned
 * by the caller.
 */
export function decodeChangeset(payload: Uint8Array): Changeset | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(
      Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'),
    );
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { t, at, c } = raw as { t?: unknown; at?: unknown; c?: unknown };
  if (typeof t !== 'string' || typeof at !== 'string' || !Array.isArray(c)) return undefined;
  const changes: Change[] = [];
  for (const item of c) {
    const change = decodeChange(item);
    if (!change) return undefined;
    changes.push(change);
  }
  return { txId: t, at, changes };
}
