import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, Snapshot } from '../../../src/raft/core/types.ts';
import { DurableStore } from './durable-store.ts';

const ZERO = { term: 0, vote: 0, commit: 0 };

function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++)
    out.push({ index: i, term, type: 'normal', data: new Uint8Array([i]) });
  return out;
}

function snapshot(index: number, term: number): Snapshot {
  return {
    metadata: { index, term, confState: { voters: [1], learners: [] } },
    data: new Uint8Array(0),
  };
}

const indexes = (es: readonly Entry[]): string => es.map((e) => `${e.index}@${e.term}`).join(' ');

test('writes survive a crash only once synced', () => {
  const store = new DurableStore(ZERO, undefined);
  assert.equal(store.pristine, true);
  store.writeEntries(entries(1, 2, 1));
  store.writeHardState({ term: 1, vote: 1, commit: 0 });
  store.sync();
  store.writeHardState({ term: 1, vote: 1, commit: 2 });
  store.crash();
  assert.deepEqual(store.hardState, { term: 1, vote: 1, commit: 0 });
  assert.equal(indexes(store.entriesAfterSnapshot()), '1@1 2@1');
  assert.equal(store.pristine, false);
});

test('a sync makes every earlier write durable, in order', () => {
  const store = new DurableStore(ZERO, undefined);
  store.writeHardState({ term: 1, vote: 0, commit: 0 });
  store.writeEntries(entries(1, 3, 1));
  store.writeEntries(entries(2, 4, 2)); // replaces 2..3 and appends 4
  store.sync();
  store.crash();
  assert.equal(indexes(store.entriesAfterSnapshot()), '1@1 2@2 3@2 4@2');
  assert.deepEqual(store.hardState, { term: 1, vote: 0, commit: 0 });
});

test('a received snapshot replaces the log, and later entries follow it', () => {
  const store = new DurableStore(ZERO, undefined);
  store.writeEntries(entries(1, 3, 1));
  store.writeSnapshot(snapshot(5, 2));
  store.writeEntries(entries(6, 7, 2));
  store.sync();
  assert.equal(store.snapshot?.metadata.index, 5);
  assert.equal(indexes(store.entriesAfterSnapshot()), '6@2 7@2');
});

test('an unsynced received snapshot is lost with the crash', () => {
  const store = new DurableStore(ZERO, undefined);
  store.writeEntries(entries(1, 1, 1));
  store.sync();
  store.writeSnapshot(snapshot(5, 2));
  store.crash();
  assert.equal(store.snapshot, undefined);
  assert.equal(indexes(store.entriesAfterSnapshot()), '1@1');
});

test('saving an application snapshot syncs first and compacts up to the given index', () => {
  const store = new DurableStore(ZERO, undefined);
  store.writeEntries(entries(1, 10, 1));
  store.writeHardState({ term: 1, vote: 1, commit: 10 });
  store.saveSnapshot(snapshot(8, 1), 6);
  store.crash();
  assert.deepEqual(store.hardState, { term: 1, vote: 1, commit: 10 });
  assert.equal(store.snapshot?.metadata.index, 8);
  assert.equal(indexes(store.entriesAfterSnapshot()), '9@1 10@1');
});

test('entries leaving a gap after the log are refused', () => {
  const store = new DurableStore(ZERO, undefined);
  store.writeEntries(entries(1, 2, 1));
  store.writeEntries(entries(5, 5, 1));
  assert.throws(() => store.sync(), /gap/);
});
