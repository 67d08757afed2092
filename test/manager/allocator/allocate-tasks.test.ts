import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planAllocation } from '../../../src/manager/allocator/allocate-tasks.ts';
import { aService, aTask, T0 } from '../orchestrator/fixtures.ts';

test('new tasks of existing services become pending "pending task scheduling"', () => {
  const s = aService('s');
  const tasks = [
    aTask('a', s, { state: 'new' }),
    aTask('b', s, { state: 'new', DesiredState: 'ready' }),
    aTask('c', s, { state: 'new', DesiredState: 'remove' }),
    aTask('d', s, { state: 'pending' }),
    aTask('e', aService('gone'), { state: 'new' }),
  ];
  const changes = planAllocation(tasks, (id) => id === 's', T0);
  assert.deepEqual(
    changes.map((c) => c.taskId),
    ['a', 'b'],
  );
  assert.deepEqual(changes[0]?.status, {
    Timestamp: '2024-01-01T00:00:00.000Z',
    State: 'pending',
    Message: 'pending task scheduling',
  });
});
