import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvariantError, ShoalError } from '../../src/base/errors.ts';

test('ShoalError crosses the wire as data and comes back equal', () => {
  const cause = new Error('disk full');
  const err = new ShoalError('RAFT_STOPPED', 'The node stopped; retry on another manager.', {
    status: 503,
    retryable: true,
    cause,
  });
  assert.equal(err.cause, cause);
  const data = err.toData();
  assert.deepEqual(data, {
    code: 'RAFT_STOPPED',
    message: 'The node stopped; retry on another manager.',
    status: 503,
    retryable: true,
  });
  const back = ShoalError.fromData(JSON.parse(JSON.stringify(data)) as typeof data);
  assert.equal(back.code, err.code);
  assert.equal(back.status, 503);
  assert.equal(back.retryable, true);
  assert.equal(back.field, undefined);
});

test('ShoalError defaults to status 500 and not retryable', () => {
  const err = new ShoalError('X', 'y', { field: 'Spec.Name' });
  assert.equal(err.status, 500);
  assert.equal(err.retryable, false);
  assert.equal(err.toData().field, 'Spec.Name');
});

test('InvariantError names the invariant', () => {
  const err = new InvariantError('commit-monotonic', 'commit went from 5 to 3');
  assert.equal(err.invariant, 'commit-monotonic');
  assert.match(err.message, /commit-monotonic.*5 to 3/);
});
