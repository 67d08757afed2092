import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../src/base/errors.ts';
import type { StoreEvent } from '../../src/store/store-event.ts';
import { isChangeOf } from '../../src/store/store-event.ts';
import type { Subscription } from '../../src/store/subscription.ts';
import type { Task } from './support/tables.ts';
import { aService, aTask, localStore, services, tasks } from './support/tables.ts';

/** Everything queued on a subscription right now, as short strings. */
async function drain(subscription: Subscription): Promise<string[]> {
  const seen: string[] = [];
  while (subscription.pending > 0) {
    const { value } = await subscription.next();
    seen.push(describeEvent(value!));
  }
  return seen;
}

function describeEvent(event: StoreEvent): string {
  if (event.kind === 'committed' || event.kind === 'restored')
    return `${event.kind}@${event.index}`;
  return `${event.kind} ${event.table}/${event.object.id}`;
}

describe('watch', () => {
  test('events arrive in apply order, each transaction closed by its committed marker', async () => {
    const { store } = localStore();
    const watcher = store.watch();
    await store.update((tx) => {
      tx.create(services, aService('s1'));
      tx.create(tasks, aTask('t1', 's1'));
    });
    const t1 = store.get(tasks, 't1')!;
    await store.update((tx) => {
      tx.update(tasks, { ...t1, desiredState: 'shutdown' });
      tx.delete(services, 's1');
    });
    assert.deepEqual(await drain(watcher), [
      'created services/s1',
      'created tasks/t1',
      'committed@1',
      'updated tasks/t1',
      'deleted services/s1',
      'committed@2',
    ]);
  });

  test('an update event carries the object before and after; a delete the last stored form', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(tasks, aTask('t1', 's1')));
    const watcher = store.watch({ kinds: ['updated', 'deleted'] });
    const before = store.get(tasks, 't1')!;
    await store.update((tx) => void tx.update(tasks, { ...before, slot: 2 }));
    await store.update((tx) => tx.delete(tasks, 't1'));
    const updated = (await watcher.next()).value!;
    assert.ok(updated.kind === 'updated' && isChangeOf(tasks, updated));
    assert.equal(updated.previous, before);
    assert.equal(updated.object.slot, 2);
    const deleted = (await watcher.next()).value!;
    assert.ok(deleted.kind === 'deleted');
    assert.equal(deleted.object.meta.version, 2);
  });

  test('filters by table, kind and predicate; committed passes a table filter', async () => {
    const { store } = localStore();
    const taskWatcher = store.watch({ tables: [tasks] });
    const createdOnly = store.watch({
      kinds: ['created'],
      filter: (e) => e.kind === 'created' && e.object.id !== 't2',
    });
    await store.update((tx) => {
      tx.create(services, aService('s1'));
      tx.create(tasks, aTask('t1', 's1'));
      tx.create(tasks, aTask('t2', 's1'));
    });
    assert.deepEqual(await drain(taskWatcher), [
      'created tasks/t1',
      'created tasks/t2',
      'committed@1',
    ]);
    assert.deepEqual(await drain(createdOnly), ['created services/s1', 'created tasks/t1']);
  });

  test('isChangeOf narrows to one table and types its objects', async () => {
    const { store } = localStore();
    const watcher = store.watch();
    await store.update((tx) => void tx.create(tasks, aTask('t1', 's1', { nodeId: 'n4' })));
    const event = (await watcher.next()).value!;
    assert.equal(isChangeOf(services, event), false);
    assert.ok(isChangeOf(tasks, event));
    const task: Task = event.object;
    assert.equal(task.nodeId, 'n4');
  });

  test('a consumer waiting in for-await gets events as they apply; break closes the watch', async () => {
    const { store } = localStore();
    const watcher = store.watch({ kinds: ['created'] });
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const event of watcher) {
        seen.push(describeEvent(event));
        if (seen.length === 2) break;
      }
    })();
    await store.update((tx) => void tx.create(tasks, aTask('t1', 's1')));
    await store.update((tx) => void tx.create(tasks, aTask('t2', 's1')));
    await consumer;
    assert.deepEqual(seen, ['created tasks/t1', 'created tasks/t2']);
    assert.equal(watcher.closed, true);
    await store.update((tx) => void tx.create(tasks, aTask('t3', 's1')));
    assert.deepEqual(await watcher.next(), { value: undefined, done: true });
    assert.equal(store.watcherCount, 0);
  });

  test('close ends a pending next and drops what was queued', async () => {
    const { store } = localStore();
    const watcher = store.watch();
    const waiting = watcher.next();
    watcher.close();
    watcher.close();
    assert.deepEqual(await waiting, { value: undefined, done: true });
    await store.update((tx) => void tx.create(tasks, aTask('t1', 's1')));
    assert.equal(watcher.pending, 0);
  });

  test('a watcher that falls behind is closed with an error it can see, without slowing apply', async () => {
    const { store } = localStore();
    const slow = store.watch({ queueLimit: 5 });
    const healthy = store.watch({ kinds: ['committed'] });
    for (let i = 0; i < 4; i++) {
      await store.update((tx) => void tx.create(tasks, aTask(`t${i}`, 's1')));
    }
    assert.equal(store.all(tasks).length, 4, 'apply went on');
    assert.equal(slow.closed, true);
    assert.ok(slow.error instanceof ShoalError);
    assert.equal(slow.error.code, 'STORE_WATCH_OVERFLOW');
    await assert.rejects(
      slow.next(),
      (e: unknown) => (e as ShoalError).code === 'STORE_WATCH_OVERFLOW',
    );
    assert.equal((await drain(healthy)).length, 4);
  });

  test('a pending next is rejected when its watcher overflows', async () => {
    const { store } = localStore();
    const watcher = store.watch({ queueLimit: 1 });
    const first = watcher.next();
    await store.update((tx) => {
      tx.create(tasks, aTask('t1', 's1'));
      tx.create(tasks, aTask('t2', 's1'));
      tx.create(tasks, aTask('t3', 's1'));
    });
    assert.equal((await first).value?.kind, 'created');
    await assert.rejects(watcher.next(), /fell more than 1 events behind/);
  });
});

describe('viewAndWatch', () => {
  test('gives a read plus exactly the events after it', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(tasks, aTask('t1', 's1')));
    const { result, subscription } = store.viewAndWatch((view) => view.all(tasks).map((t) => t.id));
    assert.deepEqual(result, ['t1']);
    await store.update((tx) => void tx.create(tasks, aTask('t2', 's1')));
    assert.deepEqual(await drain(subscription), ['created tasks/t2', 'committed@2']);
  });

  test('a read that throws leaves no subscription behind; an async read is refused', () => {
    const { store } = localStore();
    assert.throws(
      () =>
        store.viewAndWatch(() => {
          throw new Error('read failed');
        }),
      /read failed/,
    );
    assert.throws(() => store.viewAndWatch(() => Promise.resolve(1)), /store-sync-view/);
    assert.equal(store.watcherCount, 0);
  });

  test('view + events rebuild the same state, wherever the view falls among concurrent writes', async () => {
    const { store } = localStore();
    const writes = (async () => {
      for (let i = 0; i < 30; i++) {
        await store.update((tx) => {
          tx.create(tasks, aTask(`t${i}`, 's1', { slot: i }));
          const older = tx.get(tasks, `t${i - 3}`);
          if (older) tx.delete(tasks, older.id);
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const mirrors: { tasks: Map<string, Task>; subscription: Subscription }[] = [];
    for (let round = 0; round < 6; round++) {
      const { result, subscription } = store.viewAndWatch(
        (view) => new Map(view.all(tasks).map((t) => [t.id, t])),
        { tables: [tasks] },
      );
      mirrors.push({ tasks: result, subscription });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writes;
    for (const mirror of mirrors) {
      while (mirror.subscription.pending > 0) {
        const event = (await mirror.subscription.next()).value!;
        if (!isChangeOf(tasks, event)) continue;
        if (event.kind === 'deleted') {
          assert.ok(mirror.tasks.delete(event.object.id), 'a delete follows a create seen');
        } else {
          assert.equal(
            mirror.tasks.has(event.object.id),
            event.kind === 'updated',
            'no event seen twice',
          );
          mirror.tasks.set(event.object.id, event.object);
        }
      }
      assert.deepEqual(
        [...mirror.tasks.keys()].sort(),
        store
          .all(tasks)
          .map((t) => t.id)
          .sort(),
      );
    }
  });
});
