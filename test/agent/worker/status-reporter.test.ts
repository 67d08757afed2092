import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/base/clock.ts';
import { ShoalError } from '../../../src/base/errors.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { StatusReporter } from '../../../src/agent/worker/status-reporter.ts';
import type { TaskStatusUpdate } from '../../../src/manager/dispatcher/task-rpc-methods.ts';

/** A reporter whose sends are held until the test settles them. */
function held() {
  const clock = new ManualClock();
  const calls: { updates: readonly TaskStatusUpdate[]; settle: (error?: Error) => void }[] = [];
  const reporter = new StatusReporter({
    clock,
    logger: silentLogger,
    send: (updates) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ updates, settle: (error) => (error ? reject(error) : resolve()) });
      }),
  });
  const summary = (i: number) => calls[i]?.updates.map((u) => `${u.taskId}:${u.status.State}`);
  return { clock, calls, reporter, summary };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('one call in flight; reports made meanwhile go together, latest per task', async () => {
  const { calls, reporter, summary } = held();
  reporter.report('a', { State: 'accepted' });
  reporter.report('a', { State: 'preparing' });
  reporter.report('b', { State: 'accepted' });
  reporter.report('a', { State: 'ready' });
  assert.deepEqual(summary(0), ['a:accepted']);
  assert.equal(calls.length, 1);
  calls[0]!.settle();
  await tick();
  assert.deepEqual(summary(1), ['a:ready', 'b:accepted']);
  calls[1]!.settle();
  await reporter.flushed();
  assert.equal(reporter.backlog, 0);
});

test('a failed call is retried after a backoff, merged with newer reports', async () => {
  const { clock, calls, reporter, summary } = held();
  reporter.report('a', { State: 'running' });
  calls[0]!.settle(new ShoalError('RPC_UNAVAILABLE', 'down', { retryable: true }));
  await tick();
  reporter.report('b', { State: 'accepted' });
  assert.equal(calls.length, 1, 'waits for the backoff');
  clock.advance(100);
  assert.deepEqual(summary(1), ['a:running', 'b:accepted']);
  calls[1]!.settle();
  await reporter.flushed();
});

test('a report older than the one queued is dropped; TASK_NOT_ASSIGNED drops the batch', async () => {
  const { calls, reporter, summary } = held();
  reporter.report('x', { State: 'accepted' });
  reporter.report('a', { State: 'running' });
  reporter.report('a', { State: 'starting' });
  calls[0]!.settle();
  await tick();
  assert.deepEqual(summary(1), ['a:running']);
  calls[1]!.settle(new ShoalError('TASK_NOT_ASSIGNED', 'not yours'));
  await tick();
  assert.equal(reporter.backlog, 0);
  await reporter.stop();
});
