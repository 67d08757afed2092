import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideNodeHealth,
  heartbeatDeadline,
  heartbeatTransition,
  jitteredPeriod,
  nextDeadline,
} from '../../../src/manager/dispatcher/node-health.ts';
import type { TrackedNode } from '../../../src/manager/dispatcher/node-health.ts';

test('deadline is period × grace after the heartbeat', () => {
  assert.equal(heartbeatDeadline(1_000, 5_000, 3), 16_000);
  assert.equal(heartbeatDeadline(0, 100, 6), 600);
});

test('decideNodeHealth: nodes past their deadline go down once', () => {
  const tracked: TrackedNode[] = [
    { nodeId: 'early', state: 'ready', deadline: 100 },
    { nodeId: 'exact', state: 'ready', deadline: 200 },
    { nodeId: 'later', state: 'ready', deadline: 300 },
    { nodeId: 'unknown', state: 'unknown', deadline: 150 },
    { nodeId: 'already', state: 'down', deadline: 50 },
  ];
  const rows: [number, string[]][] = [
    [99, []],
    [100, ['early']],
    [200, ['early', 'exact', 'unknown']],
    [1_000, ['early', 'exact', 'later', 'unknown']],
  ];
  for (const [now, down] of rows) {
    const out = decideNodeHealth(tracked, now);
    assert.deepEqual(
      out.map((t) => t.nodeId),
      down,
      `at ${now}`,
    );
    for (const t of out) assert.deepEqual([t.state, t.message], ['down', 'heartbeat failure']);
  }
});

test('heartbeatTransition: any state but ready becomes ready', () => {
  for (const state of ['unknown', 'down', 'disconnected'] as const) {
    assert.deepEqual(heartbeatTransition({ nodeId: 'n', state }), {
      nodeId: 'n',
      state: 'ready',
      message: '',
    });
  }
  assert.equal(heartbeatTransition({ nodeId: 'n', state: 'ready' }), undefined);
});

test('jitteredPeriod stays within ±500 ms and a tenth of the period', () => {
  assert.equal(jitteredPeriod(5_000), 5_000);
  assert.equal(
    jitteredPeriod(5_000, () => 0),
    4_500,
  );
  assert.equal(
    jitteredPeriod(5_000, () => 0.999_999),
    5_500,
  );
  assert.equal(
    jitteredPeriod(100, () => 0),
    90,
  );
  assert.equal(
    jitteredPeriod(60_000, () => 0),
    59_500,
  );
});

test('nextDeadline ignores nodes already down', () => {
  assert.equal(nextDeadline([]), undefined);
  assert.equal(
    nextDeadline([
      { nodeId: 'a', state: 'down', deadline: 1 },
      { nodeId: 'b', state: 'ready', deadline: 7 },
      { nodeId: 'c', state: 'unknown', deadline: 5 },
    ]),
    5,
  );
});
