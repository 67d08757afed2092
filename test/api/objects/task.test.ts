import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TASK_STATES,
  TASK_STATE_VALUES,
  compareTaskStates,
  isTaskState,
  isTerminalTaskState,
  taskName,
  toEngineTask,
} from '../../../src/api/objects/task.ts';
import type { TaskState } from '../../../src/api/objects/task.ts';
import { aNetwork, aTask } from '../support/objects.ts';

describe('task states', () => {
  test('follow the lifecycle, 64 apart, from new to orphaned', () => {
    const lifecycle: TaskState[] = [
      'new',
      'pending',
      'assigned',
      'accepted',
      'preparing',
      'ready',
      'starting',
      'running',
      'complete',
      'shutdown',
      'failed',
      'rejected',
      'remove',
      'orphaned',
    ];
    for (let i = 1; i < lifecycle.length; i++) {
      const [before, after] = [lifecycle[i - 1] as TaskState, lifecycle[i] as TaskState];
      assert.ok(compareTaskStates(before, after) < 0, `${before} < ${after}`);
    }
    assert.equal(TASK_STATE_VALUES.pending, 64);
    assert.equal(TASK_STATE_VALUES.running, 512);
    assert.equal(TASK_STATE_VALUES.orphaned, 832);
  });

  test('list every Engine API state, allocated included', () => {
    assert.equal(TASK_STATES.length, 15);
    assert.ok(isTaskState('allocated'));
    assert.ok(!isTaskState('RUNNING'));
    assert.ok(!isTaskState('toString'));
  });

  const terminal: [TaskState, boolean][] = [
    ['running', false],
    ['starting', false],
    ['complete', true],
    ['failed', true],
    ['rejected', true],
    ['orphaned', true],
  ];
  for (const [state, expected] of terminal) {
    test(`${state} is ${expected ? '' : 'not '}terminal`, () =>
      assert.equal(isTerminalTaskState(state), expected));
  }
});

describe('taskName', () => {
  const cases: [string, Parameters<typeof aTask>[0], string][] = [
    ['replicated: service.slot.id', {}, 'web.1.task1'],
    ['global: service.node.id', { Slot: 0, NodeID: 'nodeA' }, 'web.nodeA.task1'],
    ['an explicit name wins', { Name: 'custom' }, 'custom'],
  ];
  for (const [name, overrides, expected] of cases) {
    test(name, () => assert.equal(taskName(aTask(overrides)), expected));
  }
});

test('a task maps to the Engine shape, attachments in Swarm network form', () => {
  const engine = toEngineTask(
    aTask({
      NetworksAttachments: [{ Network: aNetwork(), Addresses: ['10.0.1.5/24'] }],
      SpecVersion: { Index: 2 },
      JobIteration: { Index: 9 },
    }),
  );
  assert.equal(engine.ID, 'task1');
  assert.deepEqual(engine.Labels, {});
  assert.equal(engine.NetworksAttachments?.[0]?.Network.ID, 'net1');
  assert.deepEqual(engine.NetworksAttachments?.[0]?.Addresses, ['10.0.1.5/24']);
  assert.deepEqual(engine.JobIteration, { Index: 9 });
  for (const internal of [
    'ServiceAnnotations',
    'SpecVersion',
    'Endpoint',
    'LogDriver',
    'meta',
    'id',
  ]) {
    assert.ok(!(internal in engine), internal);
  }
});
