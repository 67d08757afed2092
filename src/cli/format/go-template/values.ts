import { GoTime, goMarshal } from '../go-json.ts';
import { EvaluationError } from './template-error.ts';

/**
 * How template data maps onto Go's values. JSON-like JavaScript values stand in for Go's:
 * strings, numbers, booleans, arrays (slices), plain objects (maps, as docker's raw JSON
 * fallback decodes them), `null` (a nil interface) and `undefined` (an invalid value: a
 * missing map key, printed `<no value>`). Objects marked with {@link goStruct} behave as Go
 * structs: asking one for a field it lacks is an error, and they print as `{a b}`.
 */

const STRUCT_TYPE = Symbol('shoal.goStructType');

interface MarkedStruct {
  readonly [STRUCT_TYPE]?: string;
}

/**
 * Marks `fields` as a Go struct named `typeName` (used in error messages, e.g.
 * `*node.nodeContext`) and returns it. Key order is kept: `{{json .}}` prints the keys in
 * that order, so list contexts give them sorted as docker's MarshalJSON does.
 */
export function goStruct<T extends object>(typeName: string, fields: T): T {
  Object.defineProperty(fields, STRUCT_TYPE, { value: typeName, enumerable: false });
  return fields;
}

/** The struct type name of a value marked by {@link goStruct}, else undefined. */
export function structTypeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as MarkedStruct)[STRUCT_TYPE];
}

/** Whether `value` is a map (a plain object that is not a marked struct). */
export function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof GoTime) &&
    structTypeOf(value) === undefined
  );
}

/** Go's name for the type of `value`, for error messages. */
export function goTypeName(value: unknown): string {
  if (value === undefined) return 'invalid value';
  if (value === null) return 'interface {}';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  if (value instanceof GoTime) return 'time.Time';
  return structTypeOf(value) ?? 'map[string]interface {}';
}

/**
 * Go's truth: false for an invalid value, nil, false, 0, "", and empty slices and maps;
 * true for everything else, structs included.
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof GoTime || structTypeOf(value) !== undefined) return true;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * `fmt.Sprint` of a value as Go prints it with `%v`: slices `[a b]`, maps `map[k:v]` with
 * sorted keys, structs `{a b}`, nil `<nil>`, and an invalid value `<no value>` (as an action
 * prints a missing map key).
 */
export function formatValue(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatNested).join(' ')}]`;
  if (value instanceof GoTime) return value.toString();
  if (typeof value === 'object') {
    if (structTypeOf(value) !== undefined) {
      return `{${Object.values(value).map(formatNested).join(' ')}}`;
    }
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${formatNested(v)}`).join(' ')}]`;
  }
  return typeof value === 'bigint' ? value.toString() : '';
}

/** Inside a composite Go prints a nil element as `<nil>`, never `<no value>`. */
function formatNested(value: unknown): string {
  return value === undefined ? '<nil>' : formatValue(value);
}

/**
 * `receiver.name`: a map's entry (`undefined` when missing, or an error with
 * `missingKeyError`, as docker's raw-JSON inspect fallback runs), a struct's field (an error
 * when it has none). An invalid receiver yields an invalid value; nil and scalars are errors.
 */
export function fieldOf(receiver: unknown, name: string, missingKeyError: boolean): unknown {
  if (receiver === undefined) {
    if (missingKeyError) throw new EvaluationError(`nil data; no entry for key "${name}"`);
    return undefined;
  }
  if (receiver === null) throw new EvaluationError(`nil pointer evaluating interface {}.${name}`);
  const struct = structTypeOf(receiver);
  if (struct !== undefined) {
    if (!Object.hasOwn(receiver, name)) {
      throw new EvaluationError(`can't evaluate field ${name} in type ${struct}`);
    }
    return (receiver as Readonly<Record<string, unknown>>)[name];
  }
  if (isMap(receiver)) {
    if (Object.hasOwn(receiver, name)) return receiver[name];
    if (missingKeyError) throw new EvaluationError(`map has no entry for key "${name}"`);
    return undefined;
  }
  throw new EvaluationError(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
}

/** The string a string-taking function receives, or Go's argument type error. */
export function stringArg(value: unknown): string {
  if (typeof value === 'string') return value;
  throw new EvaluationError(`wrong type for value; expected string; got ${goTypeName(value)}`);
}

/** The integer an int-taking function receives, or Go's argument type error. */
export function intArg(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new EvaluationError(`wrong type for value; expected int; got ${goTypeName(value)}`);
}

/**
 * `json` as docker's template function writes it: Go's encoding (see `goMarshal`) without
 * HTML escaping.
 */
export function toGoJson(value: unknown): string {
  return goMarshal(value);
}
