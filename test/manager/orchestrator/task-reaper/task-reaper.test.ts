import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskReaper } from '../../../../src/manager/orchestrator/task-reaper/task-reaper.ts';
import { services, tasks } from '../../../../src/store/tables.ts';
import { aService, aTask, at, settle, testStore } from '../fixtures.ts';

test('the reaper deletes in 250 ms batches: history past the limit and stopped removed tasks', async () => {
  const { store, clock } = testStore();
  const reaper = new TaskReaper(store, { clock });
  const s = aService('s');
  await store.update((tx) => {
    tx.create(services, s);
  });
  reaper.start();
  await settle(reaper);
  await store.update((tx) => {
    for (let i = 0; i < 7; i++) {
      tx.create(
        tasks,
        aTask(`h${i}`, s, { state: 'failed', DesiredState: 'shutdown', createdAt: at(i) }),
      );
    }
    tx.create(tasks, aTask('gone', s, { Slot: 2, state: 'shutdown', DesiredState: 'remove' }));
  });
  await settle(reaper);
  assert.equal(store.all(tasks).length, 8);
  clock.advance(250);
  await settle(reaper);
  assert.deepEqual(
    store
      .all(tasks)
      .map((t) => t.id)
      .sort(),
    ['h2', 'h3', 'h4', 'h5', 'h6'],
  );
  await reaper.stop();
});
