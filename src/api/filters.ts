import { ShoalError } from '../base/errors.ts';
import { statusOf } from './errors.ts';
import type { Labels } from './objects/common.ts';

/**
 * Parsed `?filters=`: each key with the set of values asked for. Values of one key are
 * alternatives (OR); different keys must all hold (AND), except `label`, whose values must
 * all hold.
 */
export type Filters = ReadonlyMap<string, ReadonlySet<string>>;

/** The `FILTER_INVALID` error (HTTP 400) with Docker's wording. */
export function filterError(message: string): ShoalError {
  return new ShoalError('FILTER_INVALID', message, {
    status: statusOf('FILTER_INVALID'),
    field: 'filters',
  });
}

function valuesOf(raw: unknown): Set<string> | undefined {
  if (Array.isArray(raw)) {
    return raw.every((v) => typeof v === 'string') ? new Set(raw) : undefined;
  }
  if (typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw);
    if (!entries.every(([, v]) => typeof v === 'boolean')) return undefined;
    // The map-of-booleans form lists a value as `"value": true`; a false entry is ignored.
    return new Set(entries.filter(([, v]) => v === true).map(([k]) => k));
  }
  return undefined;
}

/**
 * Parses the `filters` query parameter: JSON `{"key": ["value", ...]}` or the form the
 * docker CLI sends, `{"key": {"value": true}}`. An absent or empty parameter means no
 * filters. Throws `FILTER_INVALID` with Docker's messages: "invalid filter" when the text is
 * not one of those shapes, "invalid filter 'key'" when a key is not in `accepted`.
 */
export function parseFilters(raw: string | undefined, accepted: readonly string[]): Filters {
  if (raw === undefined || raw === '') return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw filterError('invalid filter');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw filterError('invalid filter');
  }
  const filters = new Map<string, Set<string>>();
  for (const [key, value] of Object.entries(parsed)) {
    const values = valuesOf(value);
    if (values === undefined) throw filterError('invalid filter');
    filters.set(key, values);
  }
  for (const key of filters.keys()) {
    if (!accepted.includes(key)) throw filterError(`invalid filter '${key}'`);
  }
  return filters;
}

/** The values given for `key` (empty when the key is absent). */
export function filterValues(filters: Filters, key: string): readonly string[] {
  return [...(filters.get(key) ?? [])];
}

/** True when `key` has no values, or `value` starts with one of them (`id`, `name`). */
export function matchesPrefix(filters: Filters, key: string, value: string): boolean {
  const wanted = filters.get(key);
  if (wanted === undefined || wanted.size === 0) return true;
  for (const prefix of wanted) if (value.startsWith(prefix)) return true;
  return false;
}

/** True when `key` has no values, or `value` equals one of them. */
export function matchesExact(filters: Filters, key: string, value: string): boolean {
  const wanted = filters.get(key);
  return wanted === undefined || wanted.size === 0 || wanted.has(value);
}

/**
 * True when every value of `key` holds for `labels`: `k` needs the label to exist, `k=v`
 * needs it to equal `v` (an empty `v` only needs it to exist, as in Swarm).
 */
export function matchesLabels(filters: Filters, key: string, labels: Labels | undefined): boolean {
  for (const wanted of filters.get(key) ?? []) {
    const at = wanted.indexOf('=');
    const name = at < 0 ? wanted : wanted.slice(0, at);
    const value = at < 0 ? '' : wanted.slice(at + 1);
    const actual = labels?.[name];
    if (actual === undefined) return false;
    if (value !== '' && actual !== value) return false;
  }
  return true;
}

/**
 * Docker's loose match (network `name`/`id`): true when `key` has no values, or `value`
 * equals one of them or matches it as a regular expression.
 */
export function matchesPattern(filters: Filters, key: string, value: string): boolean {
  const wanted = filters.get(key);
  if (wanted === undefined || wanted.size === 0 || wanted.has(value)) return true;
  for (const pattern of wanted) {
    try {
      if (new RegExp(pattern).test(value)) return true;
    } catch {
      // Docker skips values that are not valid patterns.
    }
  }
  return false;
}

/**
 * Checks every value of `key` against `allowed` (case-insensitively; empty values are
 * ignored) and returns them lower-cased. Throws `FILTER_INVALID` with Docker's
 * "Invalid <key> filter: '<value>'".
 */
export function enumFilterValues(
  filters: Filters,
  key: string,
  allowed: readonly string[],
): ReadonlySet<string> {
  const values = new Set<string>();
  for (const value of filters.get(key) ?? []) {
    if (value === '') continue;
    const lower = value.toLowerCase();
    if (!allowed.includes(lower)) throw filterError(`Invalid ${key} filter: '${value}'`);
    values.add(lower);
  }
  return values;
}
