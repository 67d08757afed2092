import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskAllocator } from '../../../src/manager/allocator/task-allocator.ts';
import { services, tasks } from '../../../src/store/tables.ts';
import { aService, aTask, settle, testStore } from '../orchestrator/fixtures.ts';

test('new tasks become pending, those already in the store at start included', async () => {
  const { store, clock } = testStore();
  const s = aService('s');
  await store.update((tx) => {
    tx.create(services, s);
    tx.create(tasks, aTask('before', s, { state: 'new' }));
  });
  const allocator = new TaskAllocator(store, { clock });
  allocator.start();
  await settle(allocator);
  await store.update((tx) => {
    tx.create(tasks, aTask('after', s, { Slot: 2, state: 'new' }));
  });
  await settle(allocator);
  assert.deepEqual(
    store
      .all(tasks)
      .map((t) => [t.id, t.Status.State, t.Status.Message])
      .sort(),
    [
      ['after', 'pending', 'pending task scheduling'],
      ['before', 'pending', 'pending task scheduling'],
    ],
  );
  await allocator.stop();
  assert.equal(store.watcherCount, 0);
});
