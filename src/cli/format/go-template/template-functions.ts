import { goSprintf } from './go-printf.ts';
import { EvaluationError } from './template-error.ts';
import { formatValue, goTypeName, intArg, isMap, isTruthy, stringArg, toGoJson } from './values.ts';

/** A function callable from a template; it gets the evaluated arguments. Throws to fail. */
export type TemplateFunction = (...args: unknown[]) => unknown;

/** A set of template functions by name. */
export type FunctionMap = Readonly<Record<string, TemplateFunction>>;

/** Go's `strings.Title`: upper-cases the first letter of each word. */
export function goTitle(text: string): string {
  let out = '';
  let previous = ' ';
  for (const c of text) {
    out += isWordSeparator(previous) ? c.toUpperCase() : c;
    previous = c;
  }
  return out;
}

/** Go's rule: ASCII other than alphanumerics and `_` separates; beyond ASCII, only spaces. */
function isWordSeparator(c: string): boolean {
  if ((c.codePointAt(0) ?? 0) <= 0x7f) return !/^[0-9A-Za-z_]$/.test(c);
  return /^\s$/u.test(c);
}

function arity(name: string, args: readonly unknown[], count: number): void {
  if (args.length !== count) {
    throw new EvaluationError(`wrong number of args for ${name}: want ${count} got ${args.length}`);
  }
}

function join(elements: unknown, separator: unknown): string {
  const sep = stringArg(separator);
  if (elements === undefined || elements === null) return '';
  if (Array.isArray(elements)) return elements.map((e) => formatValue(e)).join(sep);
  if (isMap(elements)) {
    return Object.values(elements)
      .map((e) => formatValue(e))
      .sort()
      .join(sep);
  }
  throw new EvaluationError(`error calling join: expected slice, got ${goTypeName(elements)}`);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let current = item;
  for (const key of keys) {
    if (Array.isArray(current)) {
      const i = intArg(key);
      if (i < 0 || i >= current.length) {
        throw new EvaluationError(`error calling index: index out of range: ${i}`);
      }
      current = current[i];
    } else if (isMap(current)) {
      const k = stringArg(key);
      if (Object.hasOwn(current, k)) {
        current = current[k];
      } else {
        // A missing key gives the map's zero value: "" for the string maps docker indexes.
        const values = Object.values(current);
        current = values.every((v) => typeof v === 'string') ? '' : null;
      }
    } else if (current === undefined || current === null) {
      throw new EvaluationError('error calling index: index of untyped nil');
    } else {
      throw new EvaluationError(
        `error calling index: can't index item of type ${goTypeName(current)}`,
      );
    }
  }
  return current;
}

function length(item: unknown): number {
  if (typeof item === 'string') return Buffer.byteLength(item, 'utf8');
  if (Array.isArray(item)) return item.length;
  if (isMap(item)) return Object.keys(item).length;
  throw new EvaluationError(`error calling len: len of type ${goTypeName(item)}`);
}

function comparable(name: string, value: unknown): string | number | boolean | null {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    return value as string | number | boolean | null;
  }
  if (value === undefined)
    throw new EvaluationError(`error calling ${name}: invalid type for comparison`);
  throw new EvaluationError(
    `error calling ${name}: non-comparable type ${formatValue(value)}: ${goTypeName(value)}`,
  );
}

function ordered(name: string, a: unknown, b: unknown): [number | string, number | string] {
  const left = comparable(name, a);
  const right = comparable(name, b);
  if (typeof left === typeof right && (typeof left === 'number' || typeof left === 'string')) {
    return [left, right as number | string];
  }
  throw new EvaluationError(`error calling ${name}: incompatible types for comparison`);
}

function print(args: readonly unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    const previous = args[i - 1];
    if (i > 0 && typeof arg !== 'string' && typeof previous !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

/**
 * Go's built-in template functions that shoal supports: `and or not len index print printf
 * println eq ne lt le gt ge`. (`and`/`or` evaluate every argument; Go stops early, which
 * only matters when a later argument would fail.)
 */
export const builtinFunctions: FunctionMap = {
  and: (...args) => args.find((a) => !isTruthy(a)) ?? args.at(-1),
  or: (...args) => args.find((a) => isTruthy(a)) ?? args.at(-1),
  not: (...args) => (arity('not', args, 1), !isTruthy(args[0])),
  len: (...args) => (arity('len', args, 1), length(args[0])),
  index: (item, ...keys) => index(item, ...keys),
  print: (...args) => print(args),
  printf: (format, ...args) => goSprintf(stringArg(format), args),
  println: (...args) => `${args.map((a) => formatValue(a)).join(' ')}\n`,
  eq: (a, ...others) => {
    const left = comparable('eq', a);
    if (others.length === 0)
      throw new EvaluationError('error calling eq: missing argument for comparison');
    return others.some((o) => comparable('eq', o) === left);
  },
  ne: (...args) => (arity('ne', args, 2), comparable('ne', args[0]) !== comparable('ne', args[1])),
  lt: (a, b) => {
    const [l, r] = ordered('lt', a, b);
    return l < r;
  },
  le: (a, b) => {
    const [l, r] = ordered('le', a, b);
    return l <= r;
  },
  gt: (a, b) => {
    const [l, r] = ordered('gt', a, b);
    return l > r;
  },
  ge: (a, b) => {
    const [l, r] = ordered('ge', a, b);
    return l >= r;
  },
};

/** docker's own template functions (`templates.basicFunctions`). */
export const dockerFunctions: FunctionMap = {
  json: (...args) => (arity('json', args, 1), toGoJson(args[0])),
  split: (s, sep) => stringArg(s).split(stringArg(sep)),
  join: (elements, sep) => join(elements, sep),
  title: (...args) => (arity('title', args, 1), goTitle(stringArg(args[0]))),
  lower: (...args) => (arity('lower', args, 1), stringArg(args[0]).toLowerCase()),
  upper: (...args) => (arity('upper', args, 1), stringArg(args[0]).toUpperCase()),
  pad: (s, prefix, suffix) => {
    const text = stringArg(s);
    return text === '' ? text : ' '.repeat(intArg(prefix)) + text + ' '.repeat(intArg(suffix));
  },
  truncate: (s, n) => {
    const text = stringArg(s);
    const limit = intArg(n);
    return text.length < limit ? text : text.slice(0, limit);
  },
};

/**
 * docker's `HeaderFunctions`: while a table's header row is rendered against the column
 * names, these return their first argument unchanged so `{{upper .Name}}` still shows NAME.
 */
export const headerFunctions: FunctionMap = Object.fromEntries(
  ['json', 'split', 'join', 'title', 'lower', 'upper', 'truncate'].map((name) => [
    name,
    (first: unknown) => first,
  ]),
);
