import type { EngineEnvelope, StoredObject } from './common.ts';

/**
 * The Engine-API envelope of a stored object: `id` → `ID`, `meta.version` →
 * `Version.Index`, `meta.createdAt/updatedAt` → `CreatedAt/UpdatedAt`. Pure; never mutates.
 */
export function toEngineEnvelope(object: StoredObject): EngineEnvelope {
  return {
    ID: object.id,
    Version: { Index: object.meta.version },
    CreatedAt: object.meta.createdAt,
    UpdatedAt: object.meta.updatedAt,
  };
}

/**
 * The inverse of {@link toEngineEnvelope}: the store envelope of an Engine-API object (for
 * clients that keep objects they read, and for round-trip tests). A missing version reads
 * as 0 and missing times as `''`, as Go's zero values would.
 */
export function fromEngineEnvelope(envelope: Partial<EngineEnvelope>): StoredObject {
  return {
    id: envelope.ID ?? '',
    meta: {
      version: envelope.Version?.Index ?? 0,
      createdAt: envelope.CreatedAt ?? '',
      updatedAt: envelope.UpdatedAt ?? '',
    },
  };
}

/**
 * Copies the listed fields of `source` that are present (not `undefined`), in the listed
 * order. The Engine mappers use it as a whitelist, so fields a component adds to a stored
 * object for its own use never leak into API responses.
 */
export function pickDefined<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) picked[key] = source[key];
  }
  return picked;
}
