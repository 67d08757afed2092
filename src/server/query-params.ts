import { invalidParameter } from './errors.ts';

/**
 * A boolean query parameter read as the Engine reads most of them: absent, empty, `0`, `no`,
 * `false` or `none` (any case, spaces trimmed) is false, and anything else is true.
 */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = (query.get(name) ?? '').trim().toLowerCase();
  return !['', '0', 'no', 'false', 'none'].includes(value);
}

/** As {@link queryBool}, but `fallback` when the parameter is absent altogether. */
export function queryBoolOrDefault(
  query: URLSearchParams,
  name: string,
  fallback: boolean,
): boolean {
  return query.has(name) ? queryBool(query, name) : fallback;
}

const strictTrue = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const strictFalse = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * A boolean read strictly, as the Engine reads `rotateWorkerToken`, `status` or
 * `insertDefaults`: `1 t T TRUE true True` or `0 f F FALSE false False`; undefined when absent
 * or empty; anything else is a 400 `invalid value for <name>: <value>`.
 */
export function queryStrictBool(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (strictTrue.has(value)) return true;
  if (strictFalse.has(value)) return false;
  throw invalidParameter(`invalid value for ${name}: ${value}`, name);
}

/** Object kinds whose updates carry `?version=`. */
export type VersionedKind = 'swarm' | 'node' | 'service' | 'secret' | 'config';

/**
 * The required `?version=` of an update (the object's `Version.Index` as last read). Junk,
 * absence or a negative number is a 400 worded as the Engine words it: for swarm, node and
 * service `invalid <kind> version '<raw>': strconv.ParseUint: parsing "<raw>": invalid syntax`,
 * for secret and config just `invalid <kind> version`. Values past 2^53-1 are refused as
 * out of range (the Engine takes up to 2^64-1, far beyond any real index).
 */
export function queryObjectVersion(query: URLSearchParams, kind: VersionedKind): number {
  const raw = query.get('version') ?? '';
  const fail = (reason: string): never => {
    const message =
      kind === 'secret' || kind === 'config'
        ? `invalid ${kind} version`
        : `invalid ${kind} version '${raw}': strconv.ParseUint: parsing ${JSON.stringify(raw)}: ${reason}`;
    throw invalidParameter(message, 'version');
  };
  if (!/^\d+$/.test(raw)) return fail('invalid syntax');
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) return fail('value out of range');
  return value;
}

/**
 * The raw `filters` parameter, a JSON object of string arrays by the API's contract, or
 * undefined when absent or empty. It is not parsed here: each route knows its filter keys and
 * rejects unknown ones with its own message.
 */
export function queryFilters(query: URLSearchParams): string | undefined {
  const raw = query.get('filters');
  return raw === null || raw === '' ? undefined : raw;
}
