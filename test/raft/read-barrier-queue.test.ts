import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadBarrierQueue } from '../../src/raft/read-barrier-queue.ts';

function harness(retryTicks = 3) {
  const issued: Uint8Array[] = [];
  const queue = new ReadBarrierQueue('n1', (ctx) => issued.push(ctx), retryTicks);
  return { queue, issued };
}

const settledFlag = (p: Promise<void>) => {
  const flag = { done: false };
  void p.then(() => (flag.done = true));
  return flag;
};
const flush = () => new Promise((resolve) => setImmediate(resolve));

test('one request is in flight; callers arriving meanwhile share the next one', async () => {
  const { queue, issued } = harness();
  const a = settledFlag(queue.wait());
  const b = settledFlag(queue.wait());
  const c = settledFlag(queue.wait());
  assert.equal(issued.length, 1);
  queue.onReadState({ index: 10, requestCtx: issued[0]! }, 10);
  await flush();
  assert.equal(a.done, true);
  assert.equal(b.done, false, 'b arrived after the first request was issued');
  assert.equal(issued.length, 2);
  queue.onReadState({ index: 12, requestCtx: issued[1]! }, 11);
  await flush();
  assert.equal(b.done, false, 'index 12 is not applied yet');
  queue.onApplied(12);
  await flush();
  assert.deepEqual([b.done, c.done], [true, true]);
});

test('a ReadState for another context is ignored', async () => {
  const { queue } = harness();
  const a = settledFlag(queue.wait());
  queue.onReadState({ index: 1, requestCtx: new TextEncoder().encode('other') }, 5);
  await flush();
  assert.equal(a.done, false);
});

test('an unanswered request is re-issued with a fresh context after retryTicks', async () => {
  const { queue, issued } = harness(2);
  const a = settledFlag(queue.wait());
  queue.tick();
  assert.equal(issued.length, 1);
  queue.tick();
  assert.equal(issued.length, 2);
  assert.notDeepEqual(issued[0], issued[1]);
  queue.onReadState({ index: 1, requestCtx: issued[0]! }, 5);
  await flush();
  assert.equal(a.done, false, 'the stale context no longer matches');
  queue.onReadState({ index: 1, requestCtx: issued[1]! }, 5);
  await flush();
  assert.equal(a.done, true);
});

test('a refused request rejects its callers; failAll and abort reject the rest', async () => {
  const refusing = new ReadBarrierQueue(
    'n1',
    () => {
      throw new Error('no leader');
    },
    3,
  );
  await assert.rejects(refusing.wait(), /no leader/);

  const { queue } = harness();
  const controller = new AbortController();
  const aborted = queue.wait(controller.signal);
  const other = queue.wait();
  controller.abort(new Error('gave up'));
  await assert.rejects(aborted, /gave up/);
  queue.failAll(new Error('stopped'));
  await assert.rejects(other, /stopped/);
});
