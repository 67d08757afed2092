import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECOND } from '../../../../src/api/defaults.ts';
import {
  readyDecision,
  restartPolicyOf,
  restartsInSlot,
  shouldRestart,
} from '../../../../src/manager/orchestrator/restart/restart-policy.ts';
import { aNode, aService, aTask, at, T0 } from '../fixtures.ts';

test('defaults: any, 5 s, unlimited, no window; any means on-failure for jobs', () => {
  const task = aTask('a', aService('s'));
  assert.deepEqual(restartPolicyOf(task, false), {
    condition: 'any',
    delayMs: 5000,
    maxAttempts: 0,
    windowMs: 0,
  });
  assert.equal(restartPolicyOf(task, true).condition, 'on-failure');
});

test('attempts reset when the spec version changes and ignore removed leftovers', () => {
  const s = aService('s', { task: { RestartPolicy: { MaxAttempts: 1 } } });
  const v1 = aTask('a', s, { state: 'failed', createdAt: at(0), SpecVersion: { Index: 1 } });
  const v1b = aTask('b', s, { state: 'failed', createdAt: at(1), SpecVersion: { Index: 1 } });
  const v2 = aTask('c', s, { state: 'failed', createdAt: at(2), SpecVersion: { Index: 2 } });
  const gone = aTask('d', s, {
    createdAt: at(3),
    SpecVersion: { Index: 2 },
    DesiredState: 'remove',
  });
  const policy = restartPolicyOf(v1, false);
  assert.equal(restartsInSlot(v1b, [v1, v1b, v2, gone], policy, T0), 1);
  assert.equal(shouldRestart(s, v1b, [v1, v1b, v2, gone], T0), false);
  assert.equal(restartsInSlot(v2, [v1, v1b, v2, gone], policy, T0), 0);
  assert.equal(shouldRestart(s, v2, [v1, v1b, v2, gone], T0), true);
});

test('a window counts only recent restarts', () => {
  const s = aService('s', { task: { RestartPolicy: { MaxAttempts: 1, Window: 10 * SECOND } } });
  const first = aTask('a', s, { state: 'failed', createdAt: at(0) });
  const second = aTask('b', s, { state: 'failed', createdAt: at(1000) });
  assert.equal(shouldRestart(s, second, [first, second], T0 + 5000), false);
  assert.equal(shouldRestart(s, second, [first, second], T0 + 11_001), true);
});

test('a replacement for a task lost with its node starts at once; one for a failed task waits', () => {
  const s = aService('s');
  const nodes = new Map([
    ['dead', aNode('dead', { state: 'down' })],
    ['live', aNode('live')],
  ]);
  const replacement = aTask('new', s, { state: 'new', DesiredState: 'ready', createdAt: at(0) });
  const lost = aTask('old', s, { NodeID: 'dead', DesiredState: 'shutdown', createdAt: at(-1000) });
  assert.deepEqual(readyDecision(s, replacement, [lost, replacement], nodes, T0), {
    kind: 'start',
  });
  const failed = aTask('old', s, {
    state: 'failed',
    NodeID: 'live',
    DesiredState: 'shutdown',
    createdAt: at(-1000),
  });
  assert.deepEqual(readyDecision(s, replacement, [failed, replacement], nodes, T0), {
    kind: 'wait',
    until: T0 + 5000,
  });
});
