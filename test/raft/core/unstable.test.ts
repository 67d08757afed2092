import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvariantError } from '../../../src/base/errors.ts';
import { Unstable } from '../../../src/raft/core/unstable.ts';
import { entries, ids, snapshot } from './support/entries.ts';

describe('Unstable', () => {
  test('first, last and term come from the snapshot and entries', () => {
    const u = new Unstable(5);
    assert.equal(u.maybeFirstIndex(), undefined);
    assert.equal(u.maybeLastIndex(), undefined);
    u.truncateAndAppend(entries(5, 7, 2));
    assert.equal(u.maybeLastIndex(), 7);
    assert.equal(u.maybeTerm(6), 2);
    assert.equal(u.maybeTerm(8), undefined);
    assert.equal(u.maybeTerm(4), undefined);
    u.restore(snapshot(10, 3));
    assert.equal(u.maybeFirstIndex(), 11);
    assert.equal(u.maybeLastIndex(), 10);
    assert.equal(u.maybeTerm(10), 3);
    assert.equal(u.maybeTerm(9), undefined);
  });

  test('truncateAndAppend appends, replaces from before the offset, or truncates a suffix', () => {
    const u = new Unstable(5);
    u.truncateAndAppend(entries(5, 6, 1));
    u.truncateAndAppend(entries(7, 8, 1));
    assert.deepEqual(ids(u.entries), ['5/1', '6/1', '7/1', '8/1']);
    u.truncateAndAppend(entries(7, 7, 2));
    assert.deepEqual(ids(u.entries), ['5/1', '6/1', '7/2']);
    u.truncateAndAppend(entries(3, 4, 3));
    assert.equal(u.offset, 3);
    assert.deepEqual(ids(u.entries), ['3/3', '4/3']);
  });

  test('stableTo drops persisted entries only if the term still matches', () => {
    const u = new Unstable(5);
    u.truncateAndAppend(entries(5, 8, 1));
    u.stableTo(6, 2);
    assert.equal(u.offset, 5, 'a replaced entry is not stable');
    u.stableTo(6, 1);
    assert.equal(u.offset, 7);
    assert.deepEqual(ids(u.entries), ['7/1', '8/1']);
    u.stableTo(4, 1);
    assert.equal(u.offset, 7);
  });

  test('stableSnapTo forgets the snapshot only at its index', () => {
    const u = new Unstable(1);
    u.restore(snapshot(4, 1));
    u.stableSnapTo(3);
    assert.ok(u.snapshot);
    u.stableSnapTo(4);
    assert.equal(u.snapshot, undefined);
  });

  test('slice stays within the unstable range', () => {
    const u = new Unstable(5);
    u.truncateAndAppend(entries(5, 8, 1));
    assert.deepEqual(ids(u.slice(6, 8)), ['6/1', '7/1']);
    assert.throws(() => u.slice(4, 6), InvariantError);
    assert.throws(() => u.slice(6, 10), InvariantError);
  });
});
