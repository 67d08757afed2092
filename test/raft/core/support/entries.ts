import type { ConfState, Entry, Snapshot } from '../../../../src/raft/core/types.ts';

/** A normal entry with a one-byte payload naming its position, for log tests. */
export function entry(index: number, term: number, data = `${index}`): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(data) };
}

/** Entries `lo..hi` (inclusive) of term `term`. */
export function entries(lo: number, hi: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = lo; i <= hi; i++) out.push(entry(i, term));
  return out;
}

/** Entries at indexes 1.. with the given terms (the paper's log pictures). */
export function logOfTerms(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => entry(i + 1, term));
}

/** A snapshot at (`index`, `term`) of membership `confState`. */
export function snapshot(
  index: number,
  term: number,
  confState: ConfState = { voters: [1, 2, 3], learners: [] },
): Snapshot {
  return { metadata: { index, term, confState }, data: new TextEncoder().encode(`snap@${index}`) };
}

/** index/term pairs, for compact assertions. */
export function ids(es: readonly Entry[]): string[] {
  return es.map((e) => `${e.index}/${e.term}`);
}
