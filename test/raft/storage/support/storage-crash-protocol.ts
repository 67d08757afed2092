import type { Entry, Snapshot } from '../../../../src/raft/core/types.ts';

const encoder = new TextEncoder();

/**
 * What the storage crash child reports after each save resolves:
 * - `sync`: entries `first..first+count-1` in `term` replaced everything from `first` on,
 *   and the commit index became `commit`; this save and all before it are durable;
 * - `write`: the same, but not fsync'd: durable only once a later `sync` or `snap` is printed;
 * - `snap`: a leader's snapshot at `index` in `term` replaced the log, followed by the one
 *   entry `index + 1` in `term`, with commit `index`; durable.
 */
export type CrashLine =
  | {
      readonly kind: 'sync' | 'write';
      readonly first: number;
      readonly term: number;
      readonly count: number;
      readonly commit: number;
    }
  | { readonly kind: 'snap'; readonly index: number; readonly term: number };

/** The data of entry `index` in `term`: self-describing, of varied length. */
export function crashEntryData(index: number, term: number): Uint8Array {
  return encoder.encode(`${index}:${term}:${'abcdefghij'.repeat((index * 31 + term) % 40)}`);
}

export function crashEntry(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: crashEntryData(index, term) };
}

export function crashSnapshot(index: number, term: number): Snapshot {
  return {
    metadata: { index, term, confState: { voters: [1], learners: [] } },
    data: encoder.encode(`snap:${index}:${term}`),
  };
}

export function crashLine(line: CrashLine): string {
  if (line.kind === 'snap') return `snap ${line.index} ${line.term}\n`;
  return `${line.kind} ${line.first} ${line.term} ${line.count} ${line.commit}\n`;
}

/** Parses a line of {@link crashLine}; undefined for anything else (such as `ready`). */
export function parseCrashLine(text: string): CrashLine | undefined {
  const [kind, ...rest] = text.split(' ');
  const n = rest.map(Number);
  if (kind === 'snap' && n.length === 2) return { kind, index: n[0]!, term: n[1]! };
  if ((kind === 'sync' || kind === 'write') && n.length === 4) {
    return { kind, first: n[0]!, term: n[1]!, count: n[2]!, commit: n[3]! };
  }
  return undefined;
}
