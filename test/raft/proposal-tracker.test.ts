import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../src/base/errors.ts';
import { ProposalTracker } from '../../src/raft/proposal-tracker.ts';

const code = (c: string) => (e: unknown) => e instanceof ShoalError && e.code === c;

test('a proposal resolves when its entry applies', async () => {
  const t = new ProposalTracker<number>();
  const { seq, promise } = t.add();
  t.appended(seq, 5);
  t.applied(seq, 5);
  t.appliedThrough(5);
  assert.equal(await promise, 5);
  assert.equal(t.size, 0);
});

test('a proposal whose index applies with other content is lost', async () => {
  const t = new ProposalTracker<number>();
  const a = t.add();
  const b = t.add();
  t.appended(a.seq, 4);
  t.appended(b.seq, 5);
  t.appliedThrough(4);
  await assert.rejects(a.promise, code('RAFT_PROPOSAL_LOST'));
  assert.equal(t.size, 1);
  t.applied(b.seq, 5);
  assert.equal(await b.promise, 5);
});

test('a proposal re-appended at a later index is judged by its latest slot', async () => {
  const t = new ProposalTracker<number>();
  const { seq, promise } = t.add();
  t.appended(seq, 4);
  t.appended(seq, 6);
  t.appliedThrough(5);
  t.applied(seq, 6);
  assert.equal(await promise, 6);
});

test('a proposal not yet seen in the log is not lost when later indexes apply', () => {
  const t = new ProposalTracker<number>();
  const pending = t.add();
  t.appliedThrough(100);
  assert.equal(t.size, 1);
  t.failAll(new Error('done'));
  return assert.rejects(pending.promise, /done/);
});

test('a snapshot install makes unplaced and covered proposals unknown, keeps later ones', async () => {
  const t = new ProposalTracker<number>();
  const unplaced = t.add();
  const covered = t.add();
  const later = t.add();
  t.appended(covered.seq, 3);
  t.appended(later.seq, 9);
  t.snapshotInstalled(5);
  await assert.rejects(unplaced.promise, code('RAFT_PROPOSAL_UNKNOWN'));
  await assert.rejects(covered.promise, code('RAFT_PROPOSAL_UNKNOWN'));
  assert.equal(t.size, 1);
  t.applied(later.seq, 9);
  assert.equal(await later.promise, 9);
});

test('fail rejects one proposal and ignores unknown sequence numbers', async () => {
  const t = new ProposalTracker<number>();
  const { seq, promise } = t.add();
  t.fail(seq + 100, new Error('other'));
  t.fail(seq, new Error('refused'));
  await assert.rejects(promise, /refused/);
  t.applied(seq, 1);
  assert.equal(t.size, 0);
});
