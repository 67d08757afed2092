import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransactionCommitted } from '../../src/store/store-event.ts';
import { aService, aTask, localStore, rejectionCode, services, tasks } from './support/tables.ts';

describe('MemoryStore.batch', () => {
  test('splits many changes into transactions of at most 200', async () => {
    const { store } = localStore();
    const commits = store.watch({ kinds: ['committed'] });
    const count = await store.batch(async (batch) => {
      for (let i = 0; i < 450; i++) {
        await batch.update((tx) => void tx.create(tasks, aTask(`t${i}`, 's1')));
      }
    });
    assert.equal(count, 3);
    assert.equal(store.all(tasks).length, 450);
    const indexes: number[] = [];
    while (commits.pending > 0)
      indexes.push(((await commits.next()).value as TransactionCommitted).index);
    assert.deepEqual(indexes, [1, 2, 3]);
    const perIndex = [1, 2, 3].map(
      (v) => store.all(tasks).filter((t) => t.meta.version === v).length,
    );
    assert.deepEqual(perIndex, [200, 200, 50]);
  });

  test("keeps one callback's changes together", async () => {
    const { store } = localStore({ maxChangesPerTransaction: 10 });
    await store.batch(async (batch) => {
      for (let group = 0; group < 4; group++) {
        await batch.update((tx) => {
          for (let i = 0; i < 4; i++) tx.create(tasks, aTask(`t${group}-${i}`, 's1'));
        });
      }
    });
    for (let group = 0; group < 4; group++) {
      const versions = new Set(
        store
          .all(tasks)
          .filter((t) => t.id.startsWith(`t${group}-`))
          .map((t) => t.meta.version),
      );
      assert.equal(versions.size, 1, `group ${group} landed in one transaction`);
    }
    assert.deepEqual([...new Set(store.all(tasks).map((t) => t.meta.version))], [1, 2]);
  });

  test('splits on bytes too, at three quarters of the transaction limit', async () => {
    const { store } = localStore({ maxTransactionBytes: 4000 });
    const count = await store.batch(async (batch) => {
      for (let i = 0; i < 10; i++) {
        await batch.update(
          (tx) =>
            void tx.create(
              services,
              aService(`s${i}`, `n${i}`, { labels: { pad: 'x'.repeat(500) } }),
            ),
        );
      }
    });
    assert.equal(count, 2);
    assert.equal(store.all(services).length, 10);
  });

  test('later callbacks read earlier pending writes, across a split', async () => {
    const { store } = localStore({ maxChangesPerTransaction: 2 });
    await store.batch(async (batch) => {
      await batch.update((tx) => void tx.create(services, aService('s1', 'web')));
      await batch.update((tx) => void tx.create(services, aService('s2', 'db')));
      // This one does not fit: the first two commit, and its update of s1 (read at the
      // pending version 0) must expect s1's committed version instead.
      await batch.update((tx) => {
        const s1 = tx.get(services, 's1')!;
        tx.update(services, { ...s1, replicas: 8 });
        tx.create(services, aService('s3', 'cache'));
      });
      await batch.update((tx) => {
        const s3 = tx.get(services, 's3')!;
        tx.update(services, { ...s3, replicas: 2 });
      });
    });
    assert.equal(store.get(services, 's1')?.replicas, 8);
    assert.equal(store.get(services, 's1')?.meta.version, 2);
    assert.equal(store.get(services, 's3')?.replicas, 2);
  });

  test('a throwing callback drops only its own writes; earlier ones still commit', async () => {
    const { store } = localStore();
    const failure = store.batch(async (batch) => {
      await batch.update((tx) => void tx.create(tasks, aTask('t1', 's1')));
      await batch.update((tx) => {
        tx.create(tasks, aTask('t2', 's1'));
        throw new Error('boom');
      });
    });
    await assert.rejects(failure, /boom/);
    assert.deepEqual(
      store.all(tasks).map((t) => t.id),
      ['t1'],
    );
  });

  test('a conflicting transaction in a batch rejects the batch', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1', 'web')));
    const code = await rejectionCode(
      store.batch(async (batch) => {
        await batch.update((tx) => void tx.create(services, aService('s2', 'WEB')));
      }),
    );
    assert.equal(code, 'STORE_NAME_CONFLICT');
  });

  test('overlapping update calls are refused', async () => {
    const { store } = localStore({ maxChangesPerTransaction: 1 });
    const failure = store.batch(async (batch) => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = batch.update(async (tx) => {
        tx.create(tasks, aTask('t1', 's1'));
        await gate;
      });
      await batch.update((tx) => void tx.create(tasks, aTask('t2', 's1')));
      await batch.update((tx) => void tx.create(tasks, aTask('t3', 's1')));
      release();
      await slow;
    });
    await assert.rejects(failure, /store-batch-sequential/);
  });
});
