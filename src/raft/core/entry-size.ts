import type { Entry } from './types.ts';

/** The size an entry counts for in byte limits: its payload length. */
export function entrySize(entry: Entry): number {
  return entry.data.byteLength;
}

/** The total payload size of `entries`. */
export function entriesSize(entries: readonly Entry[]): number {
  let total = 0;
  for (const e of entries) total += entrySize(e);
  return total;
}

/**
 * The longest prefix of `entries` whose total size stays within `maxBytes`, but always at
 * least one entry so that a single large entry can still make progress.
 */
export function limitSize(entries: Entry[], maxBytes: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entrySize(entries[0]!);
  let n = 1;
  while (n < entries.length) {
    size += entrySize(entries[n]!);
    if (size > maxBytes) break;
    n++;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}
