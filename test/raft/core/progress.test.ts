import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Progress } from '../../../src/raft/core/progress.ts';

function progress(match: number, next: number): Progress {
  return new Progress({ match, next, isLearner: false, recentActive: false, maxInflight: 2 });
}

describe('Progress', () => {
  test('probe sends one append at a time until a reply or heartbeat', () => {
    const pr = progress(0, 5);
    assert.equal(pr.isPaused(), false);
    pr.sentEntries(3, 7);
    assert.equal(pr.isPaused(), true);
    assert.equal(pr.next, 5, 'probe does not advance next optimistically');
    pr.resumeAfterHeartbeat();
    assert.equal(pr.isPaused(), false);
  });

  test('replicate pipelines up to the inflights window', () => {
    const pr = progress(4, 5);
    pr.becomeReplicate();
    pr.sentEntries(2, 6);
    assert.equal(pr.next, 7);
    pr.sentEntries(1, 7);
    assert.equal(pr.isPaused(), true);
    pr.sentEntries(0, 7);
    assert.equal(pr.inflights.count, 2, 'empty appends take no slot');
    assert.ok(pr.maybeUpdate(6));
    pr.inflights.freeLE(6);
    assert.equal(pr.isPaused(), false);
  });

  test('a heartbeat reply frees one slot of a full window', () => {
    const pr = progress(0, 1);
    pr.becomeReplicate();
    pr.sentEntries(1, 1);
    pr.sentEntries(1, 2);
    assert.ok(pr.isPaused());
    pr.resumeAfterHeartbeat();
    assert.equal(pr.isPaused(), false);
  });

  test('maybeUpdate ignores stale acknowledgements', () => {
    const pr = progress(5, 6);
    assert.equal(pr.maybeUpdate(3), false);
    assert.equal(pr.match, 5);
    assert.equal(pr.maybeUpdate(8), true);
    assert.deepEqual([pr.match, pr.next], [8, 9]);
  });

  test('maybeDecrTo in replicate falls back to match + 1 and ignores stale rejections', () => {
    const pr = progress(5, 10);
    pr.becomeReplicate();
    pr.next = 10;
    assert.equal(pr.maybeDecrTo(4, 4), false, 'rejection below match is stale');
    assert.equal(pr.maybeDecrTo(8, 2), true);
    assert.equal(pr.next, 6);
  });

  test('maybeDecrTo in probe uses the hint but never goes below match + 1', () => {
    const pr = progress(2, 10);
    assert.equal(pr.maybeDecrTo(7, 1), false, 'only the probe at next - 1 counts');
    assert.equal(pr.maybeDecrTo(9, 4), true);
    assert.equal(pr.next, 5);
    pr.sentEntries(1, 5);
    assert.equal(pr.maybeDecrTo(4, 0), true);
    assert.equal(pr.next, 3);
    assert.equal(pr.isPaused(), false);
  });

  test('snapshot state pauses appends; probe resumes after the snapshot', () => {
    const pr = progress(0, 1);
    pr.becomeSnapshot(20);
    assert.equal(pr.isPaused(), true);
    pr.becomeProbe();
    assert.equal(pr.next, 21);
    assert.equal(pr.pendingSnapshot, 0);
    assert.deepEqual(pr.toStatus(), {
      match: 0,
      next: 21,
      state: 'probe',
      isLearner: false,
      recentActive: false,
      active: false,
    });
  });
});
