import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvariantError } from '../../../src/base/errors.ts';
import { MemoryStorage, SnapshotOutOfDateError } from '../../../src/raft/core/memory-storage.ts';
import { CompactedError, UnavailableError } from '../../../src/raft/core/types.ts';
import { entries, entry, ids, snapshot } from './support/entries.ts';

const members = { voters: [1, 2, 3], learners: [] };

function storageWith(lastIndex: number): MemoryStorage {
  const s = new MemoryStorage(members);
  s.append(entries(1, lastIndex, 1));
  return s;
}

describe('MemoryStorage', () => {
  test('a fresh storage is empty with the bootstrap membership', () => {
    const s = new MemoryStorage(members);
    assert.deepEqual(s.initialState(), {
      hardState: { term: 0, vote: 0, commit: 0 },
      confState: members,
    });
    assert.equal(s.firstIndex(), 1);
    assert.equal(s.lastIndex(), 0);
    assert.equal(s.term(0), 0);
    assert.throws(() => s.term(1), UnavailableError);
  });

  test('append truncates a conflicting suffix and refuses gaps', () => {
    const s = storageWith(5);
    s.append([entry(4, 2), entry(5, 2), entry(6, 2)]);
    assert.deepEqual(ids(s.entries(1, 7, Infinity)), ['1/1', '2/1', '3/1', '4/2', '5/2', '6/2']);
    assert.throws(() => s.append([entry(9, 2)]), InvariantError);
  });

  test('entries respects bounds and the byte limit (at least one entry)', () => {
    const s = storageWith(5);
    assert.deepEqual(ids(s.entries(2, 4, Infinity)), ['2/1', '3/1']);
    assert.deepEqual(ids(s.entries(2, 6, 0)), ['2/1']);
    assert.deepEqual(ids(s.entries(2, 6, 2)), ['2/1', '3/1']);
    assert.throws(() => s.entries(2, 7, Infinity), UnavailableError);
    s.createSnapshot(3, members, new Uint8Array(0));
    s.compact(3);
    assert.throws(() => s.entries(3, 5, Infinity), CompactedError);
    assert.throws(() => s.term(2), CompactedError);
    assert.equal(s.term(3), 1);
  });

  test('createSnapshot then compact keeps entries after the snapshot', () => {
    const s = storageWith(6);
    const snap = s.createSnapshot(4, members, new TextEncoder().encode('state'));
    assert.deepEqual(snap.metadata, { index: 4, term: 1, confState: members });
    assert.throws(() => s.createSnapshot(3, members, new Uint8Array(0)), SnapshotOutOfDateError);
    assert.throws(() => s.compact(5), InvariantError, 'cannot compact past the snapshot');
    s.compact(4);
    assert.equal(s.firstIndex(), 5);
    assert.equal(s.lastIndex(), 6);
    assert.throws(() => s.compact(4), CompactedError);
    // Appending entries that were compacted away skips them.
    s.append(entries(3, 7, 1));
    assert.equal(s.lastIndex(), 7);
  });

  test('applySnapshot replaces the log and refuses older snapshots', () => {
    const s = storageWith(3);
    s.applySnapshot(snapshot(10, 4, { voters: [1, 2], learners: [3] }));
    assert.equal(s.firstIndex(), 11);
    assert.equal(s.lastIndex(), 10);
    assert.equal(s.term(10), 4);
    assert.deepEqual(s.initialState().confState, { voters: [1, 2], learners: [3] });
    assert.throws(() => s.applySnapshot(snapshot(9, 4)), SnapshotOutOfDateError);
  });

  test('hard state round-trips', () => {
    const s = new MemoryStorage();
    s.setHardState({ term: 3, vote: 2, commit: 0 });
    assert.deepEqual(s.initialState().hardState, { term: 3, vote: 2, commit: 0 });
    assert.deepEqual(s.initialState().confState, { voters: [], learners: [] });
  });
});
