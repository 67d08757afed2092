import { Buffer } from 'node:buffer';
import { InvariantError } from '../base/errors.ts';
import type { StoreObject } from './store-object.ts';
import { deepFreeze } from './store-object.ts';
import type { TableSpec } from './table-spec.ts';
import { TableState } from './table-state.ts';

const FORMAT = 1;

/**
 * The snapshot image of a store: `{"v":1,"index":N,"tables":{name:[object,...]}}` as UTF-8
 * JSON, tables in declaration order and objects in creation order, so two replicas in the
 * same state produce identical bytes.
 */
export function encodeSnapshot(
  index: number,
  tables: ReadonlyMap<string, TableState<StoreObject>>,
): Uint8Array {
  const body: Record<string, StoreObject[]> = {};
  for (const [name, table] of tables) body[name] = table.all();
  return Buffer.from(JSON.stringify({ v: FORMAT, index, tables: body }), 'utf8');
}

function isStoredObject(value: unknown): value is StoreObject {
  if (typeof value !== 'object' || value === null) return false;
  const { id, meta } = value as { id?: unknown; meta?: { version?: unknown } };
  return typeof id === 'string' && id !== '' && typeof meta?.version === 'number';
}

/**
 * Decodes an image into fresh tables for `specs` (objects frozen, indexes built). Throws an
 * InvariantError for a malformed image, an unknown format, a table this store does not
 * declare, or duplicate IDs or names: a snapshot is written by a replica of the same store,
 * so any of these is a bug or corruption, and restoring must not half succeed.
 */
export function decodeSnapshot(
  image: Uint8Array,
  specs: readonly TableSpec<StoreObject>[],
): { index: number; tables: Map<string, TableState<StoreObject>> } {
  let raw: unknown;
  try {
    raw = JSON.parse(
      Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString('utf8'),
    );
  } catch (error) {
    throw new InvariantError('store-snapshot-format', `image is not JSON: ${String(error)}`);
  }
  const { v, index, tables } = (raw ?? {}) as { v?: unknown; index?: unknown; tables?: unknown };
  if (v !== FORMAT || typeof index !== 'number' || typeof tables !== 'object' || tables === null) {
    throw new InvariantError(
      'store-snapshot-format',
      `image has format ${String(v)}, not ${FORMAT}`,
    );
  }
  const fresh = new Map(specs.map((spec) => [spec.name, new TableState(spec)] as const));
  for (const [name, objects] of Object.entries(tables as Record<string, unknown>)) {
    const table = fresh.get(name);
    if (!table)
      throw new InvariantError('store-known-table', `snapshot holds unknown table ${name}`);
    if (!Array.isArray(objects))
      throw new InvariantError('store-snapshot-format', `table ${name} is not a list`);
    for (const object of objects) {
      if (!isStoredObject(object)) {
        throw new InvariantError(
          'store-snapshot-format',
          `table ${name} holds an object without id or meta`,
        );
      }
      table.insert(deepFreeze(object));
    }
  }
  return { index, tables: fresh };
}
