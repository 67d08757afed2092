/**
 * Child process of storage-crash.test.ts: drives a FileStorage as a Raft member would
 * (appends, overwrites of the uncommitted suffix in a new term, commits, local snapshots and
 * snapshots from a leader) as fast as it can until the parent SIGKILLs it.
 *
 * Usage: storage-crash-child.ts <dir> <seed>. Prints `ready` once open, then one line per
 * save after it resolves (see {@link crashLine}); a `sync` line means the save and every
 * save before it are durable. Entry data is {@link crashEntryData} of index and term.
 */
import { SeededRng } from '../../../../src/base/rng.ts';
import type { Entry } from '../../../../src/raft/core/types.ts';
import { FileStorage } from '../../../../src/raft/storage/file-storage.ts';
import { crashEntry, crashLine, crashSnapshot } from './storage-crash-protocol.ts';

const [dir, seedText] = process.argv.slice(2);
if (dir === undefined || seedText === undefined)
  throw new Error('usage: storage-crash-child.ts <dir> <seed>');
const rng = new SeededRng(Number(seedText));
const storage = new FileStorage(dir, { segmentBytes: 32 * 1024 });
const recovered = await storage.open();

/** Terms of the entries after the snapshot, by index. */
const terms = new Map<number, number>(recovered.entries.map((e) => [e.index, e.term]));
let snapIndex = recovered.snapshot?.metadata.index ?? 0;
let last = recovered.entries[recovered.entries.length - 1]?.index ?? snapIndex;
let term = Math.max(recovered.hardState.term, 1);
let commit = recovered.hardState.commit;
process.stdout.write('ready\n');

/** Forgets the terms of entries from `from` on (after an overwrite or a snapshot). */
function dropTermsFrom(from: number): void {
  for (let i = from; i <= last; i++) terms.delete(i);
}

async function leaderSnapshot(): Promise<void> {
  term++;
  const snapshot = crashSnapshot(last + 1 + rng.int(5), term);
  const index = snapshot.metadata.index;
  const entries = [crashEntry(index + 1, term)];
  dropTermsFrom(snapIndex + 1);
  terms.set(index + 1, term);
  snapIndex = commit = index;
  last = index + 1;
  await storage.save({ snapshot, entries, hardState: { term, vote: 0, commit } }, true);
  process.stdout.write(crashLine({ kind: 'snap', index, term }));
}

async function appendBatch(): Promise<void> {
  let first = last + 1;
  if (rng.next() < 0.2 && last > commit) {
    // A new leader overwrites part of the uncommitted suffix.
    term++;
    first = commit + 1 + rng.int(last - commit);
  }
  const entries: Entry[] = [];
  for (let i = 0; i < 1 + rng.int(40); i++) entries.push(crashEntry(first + i, term));
  dropTermsFrom(first);
  for (const e of entries) terms.set(e.index, e.term);
  last = first + entries.length - 1;
  commit += rng.int(last - commit + 1);
  const sync = rng.next() < 0.8;
  await storage.save({ entries, hardState: { term, vote: 1, commit } }, sync);
  const count = entries.length;
  process.stdout.write(crashLine({ kind: sync ? 'sync' : 'write', first, term, count, commit }));
}

for (;;) {
  if (rng.next() < 0.04) await leaderSnapshot();
  else await appendBatch();
  if (commit - snapIndex > 300) {
    await storage.saveSnapshot(crashSnapshot(commit, terms.get(commit)!));
    for (let i = snapIndex + 1; i <= commit; i++) terms.delete(i);
    snapIndex = commit;
  }
}
