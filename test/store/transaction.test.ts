import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aService,
  aTask,
  ids,
  localStore,
  rejectionCode,
  services,
  tasks,
} from './support/tables.ts';

describe('Transaction reads its own writes', () => {
  test('get, getByName, find, all and prefix lookup see pending creates, updates and deletes', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(services, aService('s1', 'web'));
      tx.create(tasks, aTask('t1', 's1', { nodeId: 'n1' }));
      tx.create(tasks, aTask('t2', 's1', { nodeId: 'n1' }));
    });
    await store.update((tx) => {
      const t1 = tx.get(tasks, 't1')!;
      tx.update(tasks, { ...t1, nodeId: 'n2' });
      tx.delete(tasks, 't2');
      tx.create(tasks, aTask('t3', 's1', { nodeId: 'n1' }));
      const s1 = tx.get(services, 's1')!;
      tx.update(services, { ...s1, name: 'api' });

      assert.equal(tx.get(tasks, 't2'), undefined);
      assert.equal(tx.get(tasks, 't1')?.nodeId, 'n2');
      assert.deepEqual(ids(tx.find(tasks, { index: 'node', value: 'n1' })), ['t3']);
      assert.deepEqual(ids(tx.find(tasks, { index: 'node', value: 'n2' })), ['t1']);
      assert.deepEqual(ids(tx.all(tasks)), ['t1', 't3']);
      assert.deepEqual(ids(tx.findByIdPrefix(tasks, 't')), ['t1', 't3']);
      assert.equal(tx.getByName(services, 'WEB'), undefined);
      assert.equal(tx.getByName(services, 'API')?.id, 's1');
      // The committed state is untouched until the transaction applies.
      assert.equal(store.get(tasks, 't2')?.id, 't2');
      assert.equal(store.getByName(services, 'web')?.id, 's1');
    });
    assert.deepEqual(ids(store.all(tasks)), ['t1', 't3']);
    assert.equal(store.getByName(services, 'api')?.id, 's1');
  });

  test('an object created in the transaction reads back at version 0 and can be updated again', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      const created = tx.create(services, aService('s1', 'web'));
      assert.equal(created.meta.version, 0);
      const again = tx.update(services, { ...created, replicas: 4 });
      tx.update(services, { ...again, replicas: 5 });
      assert.equal(tx.size, 1, 'create + updates fold into one create');
    });
    assert.equal(store.get(services, 's1')?.replicas, 5);
    assert.equal(store.get(services, 's1')?.meta.version, 1);
  });

  test('updates of one object fold, keeping the version first read', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1')));
    await store.update((tx) => {
      const read = tx.get(services, 's1')!;
      const once = tx.update(services, { ...read, replicas: 2 });
      assert.equal(once.meta.version, read.meta.version);
      tx.update(services, { ...once, replicas: 3 });
      assert.equal(tx.size, 1);
    });
    assert.equal(store.get(services, 's1')?.replicas, 3);
  });

  test('update then delete still checks the version read', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1')));
    const stale = store.get(services, 's1')!;
    await store.update((tx) => void tx.update(services, { ...stale, replicas: 9 }));
    const code = await rejectionCode(
      store.update((tx) => {
        tx.update(services, { ...stale, replicas: 2 });
        tx.delete(services, 's1');
        assert.equal(tx.size, 1);
      }),
    );
    assert.equal(code, 'STORE_SEQUENCE_CONFLICT');
    assert.equal(store.get(services, 's1')?.replicas, 9);
  });

  test('create then delete cancels out; delete then create replaces', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1', 'web')));
    await store.update((tx) => {
      tx.create(services, aService('s2'));
      tx.delete(services, 's2');
      assert.equal(tx.size, 0);
      tx.delete(services, 's1');
      const fresh = tx.create(services, aService('s1', 'new-web'));
      tx.update(services, { ...fresh, replicas: 7 });
      assert.equal(tx.size, 2);
    });
    const s1 = store.get(services, 's1')!;
    assert.equal(s1.name, 'new-web');
    assert.equal(s1.replicas, 7);
    assert.equal(store.get(services, 's2'), undefined);
  });

  test('writes that contradict the transaction itself throw at once', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1')));
    const checks: Record<string, (tx: Parameters<Parameters<typeof store.update>[0]>[0]) => void> =
      {
        STORE_EXISTS: (tx) => {
          tx.create(services, aService('s9'));
          tx.create(services, aService('s9'));
        },
        STORE_NOT_FOUND: (tx) => {
          const s1 = tx.get(services, 's1')!;
          tx.delete(services, 's1');
          tx.update(services, s1);
        },
        STORE_SEQUENCE_CONFLICT: (tx) => {
          const s1 = tx.get(services, 's1')!;
          tx.update(services, s1);
          tx.update(services, { ...s1, meta: { ...s1.meta, version: 12 } });
        },
      };
    for (const [code, fn] of Object.entries(checks)) {
      assert.equal(await rejectionCode(store.update(fn)), code);
    }
    assert.equal(store.index, 1);
  });

  test('an object without an id is refused', async () => {
    const { store } = localStore();
    const failure = store.update((tx) => void tx.create(services, aService('')));
    await assert.rejects(failure, /store-object-id/);
  });
});
