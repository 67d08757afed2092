import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planEnforcement } from '../../../../src/manager/orchestrator/constraint-enforcer/reconcile.ts';
import { aNode, aService, aTask, at, T0 } from '../fixtures.ts';

test('tasks whose constraints the node no longer meets are rejected, with Swarm words', () => {
  const s = aService('s', { task: { Placement: { Constraints: ['node.labels.disk==ssd'] } } });
  const node = aNode('n1', { labels: { disk: 'hdd' } });
  const task = aTask('a', s, { NodeID: 'n1' });
  const [change] = planEnforcement(node, [task], T0);
  assert.deepEqual(change, {
    taskId: 'a',
    status: {
      Timestamp: '2024-01-01T00:00:00.000Z',
      State: 'rejected',
      Message: 'task rejected by constraint enforcer',
      Err: 'assigned node no longer meets constraints',
    },
  });
  assert.deepEqual(planEnforcement(aNode('n1', { labels: { disk: 'ssd' } }), [task], T0), []);
});

test('reservations beyond what the node offers reject the newest tasks; ended tasks are ignored', () => {
  const s = aService('s', { task: { Resources: { Reservations: { NanoCPUs: 1e9 } } } });
  const node = aNode('n1', { cpus: 2 });
  const tasks = [
    aTask('old', s, { NodeID: 'n1', createdAt: at(0) }),
    aTask('mid', s, { NodeID: 'n1', createdAt: at(1) }),
    aTask('new', s, { NodeID: 'n1', createdAt: at(2) }),
    aTask('dead', s, { NodeID: 'n1', createdAt: at(3), state: 'failed' }),
  ];
  assert.deepEqual(
    planEnforcement(node, tasks, T0).map((c) => c.taskId),
    ['new'],
  );
});
