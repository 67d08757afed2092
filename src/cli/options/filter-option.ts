import { InvalidArgumentError } from 'commander';

/** Filters gathered from `-f key=value` flags: each key with its values in order. */
export type FilterValues = Map<string, string[]>;

/**
 * A repeatable `--filter key=value` flag as docker's `FilterOpt` reads it: the key is
 * trimmed and lower-cased, the value trimmed; a value may itself contain `=`
 * (`label=a=b`). Throws pflag's reason for a value without `=`.
 */
export function filterFlag(value: string, previous: FilterValues | undefined): FilterValues {
  const separator = value.indexOf('=');
  if (separator < 0) {
    throw new InvalidArgumentError(`bad format of filter (expected name=value)`);
  }
  const key = value.slice(0, separator).trim().toLowerCase();
  const filterValue = value.slice(separator + 1).trim();
  const next = new Map(previous ?? []);
  next.set(key, [...(next.get(key) ?? []), filterValue]);
  return next;
}
