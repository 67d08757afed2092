import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, SystemClock } from '../../src/base/clock.ts';

test('ManualClock fires due timers in due order, then creation order', () => {
  const clock = new ManualClock(100);
  const fired: string[] = [];
  clock.setTimer(20, () => fired.push('b'));
  clock.setTimer(10, () => fired.push('a'));
  clock.setTimer(20, () => fired.push('c'));
  clock.setTimer(50, () => fired.push('late'));
  clock.advance(20);
  assert.deepEqual(fired, ['a', 'b', 'c']);
  assert.equal(clock.now(), 120);
  assert.equal(clock.pending(), 1);
});

test('ManualClock: a timer sees its own due time and may chain timers within the span', () => {
  const clock = new ManualClock();
  const seen: number[] = [];
  clock.setTimer(5, () => {
    seen.push(clock.now());
    clock.setTimer(5, () => seen.push(clock.now()));
  });
  clock.advance(12);
  assert.deepEqual(seen, [5, 10]);
  assert.equal(clock.now(), 12);
});

test('ManualClock: cancelled timers never fire, cancelling twice is harmless', () => {
  const clock = new ManualClock();
  let fired = false;
  const cancel = clock.setTimer(1, () => (fired = true));
  cancel();
  cancel();
  clock.advance(10);
  assert.equal(fired, false);
});

test('SystemClock is monotonic and its timers fire', async () => {
  const clock = new SystemClock();
  const start = clock.now();
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => {}, 1000);
    clock.setTimer(1, () => {
      clearInterval(keepAlive);
      resolve();
    });
  });
  assert.ok(clock.now() >= start);
});
