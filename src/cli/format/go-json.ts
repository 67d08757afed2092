import { goTimeString } from './go-time.ts';

/**
 * JSON from the daemon seen as the Go values docker decodes it into, for `--format`
 * templates and `inspect` output. Go sorts map keys but keeps struct field order; it
 * prints a `time.Time` as `2024-05-01 09:30:15.25 +0000 UTC` and encodes it as RFC 3339
 * without trailing zeros. JSON alone does not say which objects were maps or which strings
 * were times, so: an object whose keys are not all exported Go field names (`Name`,
 * `TLSInfo`) is taken for a map, and a string in a time field of the Engine API
 * (`CreatedAt`, `UpdatedAt`, `Timestamp`, `StartedAt`, `CompletedAt`, `LastExecution`)
 * that parses as RFC 3339 is a time.
 */

const TIME_FIELDS = new Set([
  'CreatedAt',
  'UpdatedAt',
  'Timestamp',
  'StartedAt',
  'CompletedAt',
  'LastExecution',
]);
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** A Go `time.Time` read from the Engine API. */
export class GoTime {
  constructor(readonly iso: string) {}

  /** `time.Time.String()`, what a template prints for it. */
  toString(): string {
    return goTimeString(this.iso);
  }

  /** RFC 3339 with trailing fractional zeros dropped, as Go's encoder writes a time. */
  toJSON(): string {
    const match = RFC3339.exec(this.iso);
    if (match === null) return this.iso;
    const fraction = (match[2] ?? '').slice(0, 9).replace(/0+$/, '');
    return `${match[1] ?? ''}${fraction === '' ? '' : `.${fraction}`}${match[3] ?? ''}`;
  }
}

/** Whether an object is taken for a Go map rather than a struct (see the module comment). */
export function looksLikeMap(value: object): boolean {
  return !Array.isArray(value) && !Object.keys(value).every((k) => /^[A-Z][A-Za-z0-9]*$/.test(k));
}

/** A deep copy of parsed Engine JSON with time fields turned into {@link GoTime}. Pure. */
export function asGoValues(value: unknown, key = ''): unknown {
  if (typeof value === 'string')
    return TIME_FIELDS.has(key) && RFC3339.test(value) ? new GoTime(value) : value;
  if (Array.isArray(value)) return value.map((v) => asGoValues(v));
  if (typeof value === 'object' && value !== null && !(value instanceof GoTime)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asGoValues(v, k)]));
  }
  return value;
}

/** How {@link goMarshal} writes JSON. */
export interface MarshalOptions {
  /** Indent (e.g. four spaces, as `inspect` prints); none by default. */
  readonly indent?: string;
  /** Escape `<`, `>` and `&` as `json.Marshal` does; docker's `json` template function does not. */
  readonly escapeHtml?: boolean;
}

/**
 * Encodes a value as Go's `encoding/json` would encode what docker decoded: map keys sorted,
 * times in Go's form, U+2028/U+2029 escaped, HTML characters escaped when asked; an
 * undefined value is `null`. Pure.
 */
export function goMarshal(value: unknown, options: MarshalOptions = {}): string {
  const text =
    JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || !looksLikeMap(v)) return v;
        const sorted: Record<string, unknown> = {};
        for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
        return sorted;
      },
      options.indent,
    ) ?? 'null';
  const escaped = text.replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
  if (options.escapeHtml !== true) return escaped;
  return escaped.replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026');
}
