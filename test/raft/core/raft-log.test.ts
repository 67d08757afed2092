import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvariantError } from '../../../src/base/errors.ts';
import { MemoryStorage } from '../../../src/raft/core/memory-storage.ts';
import { RaftLog } from '../../../src/raft/core/raft-log.ts';
import { CompactedError } from '../../../src/raft/core/types.ts';
import { entries, entry, ids, logOfTerms, snapshot } from './support/entries.ts';

/** A log whose first `stable` entries are in storage and the rest unstable. */
function logWith(
  terms: readonly number[],
  stable = terms.length,
  maxCommitted = Infinity,
): RaftLog {
  const storage = new MemoryStorage({ voters: [1], learners: [] });
  const all = logOfTerms(terms);
  storage.append(all.slice(0, stable));
  const log = new RaftLog(storage, maxCommitted);
  log.append(all.slice(stable));
  return log;
}

describe('RaftLog', () => {
  test('terms and bounds span storage and the unstable tail', () => {
    const log = logWith([1, 1, 2, 3], 2);
    assert.equal(log.firstIndex(), 1);
    assert.equal(log.lastIndex(), 4);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((i) => log.term(i)),
      [0, 1, 1, 2, 3, undefined],
    );
    assert.equal(log.lastTerm(), 3);
    assert.deepEqual(ids(log.slice(1, 5, Infinity)), ['1/1', '2/1', '3/2', '4/3']);
    assert.deepEqual(ids(log.slice(2, 4, Infinity)), ['2/1', '3/2']);
  });

  test('slices honour the byte limit across the storage boundary', () => {
    const log = logWith([1, 1, 1, 1], 2);
    assert.deepEqual(ids(log.slice(1, 5, 0)), ['1/1']);
    assert.deepEqual(ids(log.slice(1, 5, 3)), ['1/1', '2/1', '3/1']);
  });

  test('findConflict reports the first entry that is new or differs', () => {
    const log = logWith([1, 2, 3]);
    assert.equal(log.findConflict([]), 0);
    assert.equal(log.findConflict(logOfTerms([1, 2, 3])), 0);
    assert.equal(log.findConflict([entry(2, 2), entry(3, 3), entry(4, 4)]), 4);
    assert.equal(log.findConflict([entry(2, 2), entry(3, 4)]), 3);
    assert.equal(log.findConflict([entry(1, 4)]), 1);
  });

  test('findConflictByTerm walks back to the last index with a term at most the given one', () => {
    const log = logWith([1, 1, 3, 3, 5, 5]);
    assert.deepEqual(log.findConflictByTerm(6, 4), { index: 4, term: 3 });
    assert.deepEqual(log.findConflictByTerm(6, 5), { index: 6, term: 5 });
    assert.deepEqual(log.findConflictByTerm(4, 2), { index: 2, term: 1 });
    assert.deepEqual(log.findConflictByTerm(6, 0), { index: 0, term: 0 });
  });

  test('maybeAppend matches, truncates a conflicting suffix and commits what it can', () => {
    const log = logWith([1, 2, 3]);
    assert.equal(log.maybeAppend(3, 2, 3, []), undefined, 'mismatched previous term');
    assert.equal(log.maybeAppend(4, 3, 3, []), undefined, 'previous entry missing');
    assert.equal(log.maybeAppend(2, 2, 9, [entry(3, 4), entry(4, 4)]), 4);
    assert.deepEqual(ids(log.slice(1, 5, Infinity)), ['1/1', '2/2', '3/4', '4/4']);
    assert.equal(log.committed, 4, 'commit capped at the last new entry');
    assert.equal(log.maybeAppend(1, 1, 2, [entry(2, 2)]), 2, 'matching entries are kept');
    assert.equal(log.lastIndex(), 4);
    assert.throws(() => log.maybeAppend(1, 1, 4, [entry(2, 9)]), InvariantError);
  });

  test('isUpToDate compares last term, then last index (§5.4.1)', () => {
    const log = logWith([1, 2, 2]);
    assert.ok(log.isUpToDate(3, 2));
    assert.ok(log.isUpToDate(1, 3));
    assert.ok(!log.isUpToDate(2, 2));
    assert.ok(!log.isUpToDate(9, 1));
  });

  test('commit only moves forward, within the log, and only to the current term', () => {
    const log = logWith([1, 1, 2]);
    log.commitTo(2);
    log.commitTo(1);
    assert.equal(log.committed, 2);
    assert.throws(() => log.commitTo(4), InvariantError);
    assert.equal(log.maybeCommit(3, 3), false, 'entry 3 is of term 2, not 3');
    assert.equal(log.maybeCommit(3, 2), true);
    assert.equal(log.committed, 3);
  });

  test('committed entries come after applied, bounded by size', () => {
    const log = logWith([1, 1, 1, 1], 4, 2);
    log.commitTo(4);
    assert.deepEqual(ids(log.nextCommittedEntries()), ['1/1', '2/1']);
    log.appliedTo(2);
    assert.deepEqual(ids(log.nextCommittedEntries()), ['3/1', '4/1']);
    log.appliedTo(4);
    assert.equal(log.hasNextCommittedEntries(), false);
    assert.throws(() => log.appliedTo(3), InvariantError);
  });

  test('restore installs a snapshot; nothing is applied until it is', () => {
    const log = logWith([1, 1]);
    log.commitTo(1);
    log.restore(snapshot(10, 3));
    assert.equal(log.firstIndex(), 11);
    assert.equal(log.lastIndex(), 10);
    assert.equal(log.committed, 10);
    assert.equal(log.term(10), 3);
    assert.equal(log.term(2), undefined);
    assert.equal(log.hasNextCommittedEntries(), false);
    assert.throws(() => log.slice(5, 11, Infinity), CompactedError);
    log.append(entries(11, 12, 3));
    assert.deepEqual(ids(log.unstableEntries()), ['11/3', '12/3']);
  });

  test('a log over a compacted storage starts committed and applied at the snapshot', () => {
    const storage = new MemoryStorage({ voters: [1], learners: [] });
    storage.append(entries(1, 6, 1));
    storage.createSnapshot(4, { voters: [1], learners: [] }, new Uint8Array(0));
    storage.compact(4);
    const log = new RaftLog(storage, Infinity);
    assert.deepEqual([log.committed, log.applied, log.firstIndex(), log.lastIndex()], [4, 4, 5, 6]);
    assert.equal(log.term(4), 1);
    assert.equal(log.term(3), undefined);
  });
});
