import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskState } from '../../../../src/api/objects/task.ts';
import {
  historyLimit,
  planReap,
} from '../../../../src/manager/orchestrator/task-reaper/reap-plan.ts';
import { aService, aTask, at } from '../fixtures.ts';

const s = aService('s');
const dead = (
  id: string,
  ms: number,
  state: TaskState = 'failed',
  desired: TaskState = 'shutdown',
) => aTask(id, s, { state, DesiredState: desired, createdAt: at(ms) });

test('history limit: cluster value (default 5), MaxAttempts + 1 when larger, negative kept', () => {
  assert.equal(historyLimit(undefined, s), 5);
  assert.equal(historyLimit(2, s), 2);
  const retrying = aService('r', { task: { RestartPolicy: { MaxAttempts: 7 } } });
  assert.equal(historyLimit(5, retrying), 8);
  assert.equal(historyLimit(-1, retrying), -1);
  assert.equal(historyLimit(0, aService('j', { mode: { ReplicatedJob: {} } })), 1);
});

test('the oldest history beyond the limit is deleted; live tasks count but stay', () => {
  const slot = [dead('a', 0), dead('b', 1), dead('c', 2), aTask('live', s, { createdAt: at(3) })];
  assert.deepEqual(planReap(slot, s, 2), ['a', 'b']);
  assert.deepEqual(planReap(slot, s, 4), []);
  assert.deepEqual(planReap(slot, s, -1), []);
});

test('remove-desired tasks go once stopped (never started, or ended), whatever the limit', () => {
  const slot = [
    dead('ended', 0, 'shutdown', 'remove'),
    dead('unassigned', 1, 'pending', 'remove'),
    dead('running', 2, 'running', 'remove'),
  ];
  assert.deepEqual(planReap(slot, s, -1).sort(), ['ended', 'unassigned']);
});

test('stopped tasks of a deleted service are deleted; running ones wait', () => {
  const slot = [dead('a', 0), dead('b', 1, 'running', 'remove')];
  assert.deepEqual(planReap(slot, undefined, 5), ['a']);
});

test('never-assigned tasks desired shutdown are history; pending job tasks are not', () => {
  const slot = [
    dead('a', 0, 'pending', 'shutdown'),
    dead('b', 1, 'pending', 'complete'),
    dead('c', 2),
  ];
  assert.deepEqual(planReap(slot, s, 1), ['a', 'c']);
});
