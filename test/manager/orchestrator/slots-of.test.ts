import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLiveTask, liveSlots, tasksByNode } from '../../../src/manager/orchestrator/slots-of.ts';
import { aService, aTask } from './fixtures.ts';

test('live tasks are desired at most running, or complete (jobs)', () => {
  const s = aService('s');
  assert.equal(isLiveTask(aTask('a', s, { DesiredState: 'ready' })), true);
  assert.equal(isLiveTask(aTask('b', s, { DesiredState: 'complete' })), true);
  assert.equal(isLiveTask(aTask('c', s, { DesiredState: 'shutdown' })), false);
  assert.equal(isLiveTask(aTask('d', s, { DesiredState: 'remove' })), false);
});

test('replicated slots group live tasks by slot number, oldest first, in slot order', () => {
  const s = aService('s');
  const tasks = [
    aTask('c', s, { Slot: 2, createdAt: '2024-01-01T00:00:02.000Z' }),
    aTask('b', s, { Slot: 1, createdAt: '2024-01-01T00:00:03.000Z', DesiredState: 'ready' }),
    aTask('a', s, { Slot: 1, createdAt: '2024-01-01T00:00:01.000Z' }),
    aTask('x', s, { Slot: 3, DesiredState: 'shutdown' }),
    aTask('o', aService('other'), { Slot: 4 }),
  ];
  const slots = liveSlots(s, tasks).map((slot) => slot.map((t) => t.id));
  assert.deepEqual(slots, [['a', 'b'], ['c']]);
});

test('global slots group by node; unassigned tasks have no node group', () => {
  const g = aService('g', { mode: { Global: {} } });
  const tasks = [
    aTask('a', g, { Slot: 0, NodeID: 'n2' }),
    aTask('b', g, { Slot: 0, NodeID: 'n1' }),
  ];
  assert.deepEqual(
    liveSlots(g, tasks).map((slot) => slot.map((t) => t.id)),
    [['b'], ['a']],
  );
  assert.equal(tasksByNode([aTask('u', g)]).size, 0);
});
