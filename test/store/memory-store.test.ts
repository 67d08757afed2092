import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../src/base/errors.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { defineTable } from '../../src/store/table-spec.ts';
import type { Service } from './support/tables.ts';
import {
  aService,
  aTask,
  ids,
  localStore,
  nodes,
  rejectionCode,
  services,
  tasks,
} from './support/tables.ts';

function tablesOf(store: MemoryStore): unknown {
  return (JSON.parse(Buffer.from(store.snapshot()).toString('utf8')) as { tables: unknown }).tables;
}

describe('MemoryStore without a Proposer', () => {
  test('create assigns meta from the transaction index and the proposer clock', async () => {
    const { store, clock } = localStore();
    const index = await store.update((tx) => {
      tx.create(services, aService('s1', 'web'));
    });
    assert.equal(index, 1);
    assert.equal(store.index, 1);
    assert.deepEqual(store.get(services, 's1')?.meta, {
      version: 1,
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
    clock.advance(5000);
    const s1 = store.get(services, 's1')!;
    await store.update((tx) => {
      tx.update(services, { ...s1, replicas: 3 });
    });
    const after = store.get(services, 's1')!;
    assert.equal(after.replicas, 3);
    assert.deepEqual(after.meta, {
      version: 2,
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:05.000Z',
    });
  });

  test('a meta given on create is replaced by the store', async () => {
    const { store } = localStore();
    const meta = { version: 99, createdAt: 'x', updatedAt: 'y' };
    await store.update((tx) => {
      tx.create(services, { ...aService('s1'), meta });
    });
    assert.equal(store.get(services, 's1')?.meta.version, 1);
  });

  test('reads return deeply frozen objects, and a caller cannot change a written object', async () => {
    const { store } = localStore();
    const labels: Record<string, string> = { tier: 'front' };
    const mine = { ...aService('s1'), labels };
    await store.update((tx) => {
      tx.create(services, mine);
    });
    labels['tier'] = 'back';
    const stored = store.get(services, 's1')!;
    assert.equal(stored.labels['tier'], 'front');
    assert.ok(
      Object.isFrozen(stored) && Object.isFrozen(stored.labels) && Object.isFrozen(stored.meta),
    );
    assert.throws(() => {
      (stored as { replicas: number }).replicas = 7;
    }, TypeError);
  });

  test('delete removes the object and its index entries', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(tasks, aTask('t1', 's1', { nodeId: 'n1' }));
    });
    await store.update((tx) => tx.delete(tasks, 't1'));
    assert.equal(store.get(tasks, 't1'), undefined);
    assert.deepEqual(store.find(tasks, { index: 'node', value: 'n1' }), []);
    assert.deepEqual(store.all(tasks), []);
  });

  test('secondary indexes follow updates; find copies no table', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(tasks, aTask('t1', 's1', { nodeId: 'n1' }));
      tx.create(tasks, aTask('t2', 's1', { nodeId: 'n2' }));
      tx.create(tasks, aTask('t3', 's2', { nodeId: 'n1', desiredState: 'shutdown' }));
    });
    assert.deepEqual(ids(store.find(tasks, { index: 'service', value: 's1' })), ['t1', 't2']);
    assert.deepEqual(ids(store.find(tasks, { index: 'node', value: 'n1' })), ['t1', 't3']);
    assert.deepEqual(ids(store.find(tasks, { index: 'desiredState', value: 'running' })), [
      't1',
      't2',
    ]);
    const t1 = store.get(tasks, 't1')!;
    await store.update((tx) => {
      tx.update(tasks, { ...t1, nodeId: 'n2', desiredState: 'shutdown' });
    });
    assert.deepEqual(ids(store.find(tasks, { index: 'node', value: 'n1' })), ['t3']);
    assert.deepEqual(ids(store.find(tasks, { index: 'node', value: 'n2' })), ['t1', 't2']);
    assert.deepEqual(ids(store.find(tasks, { index: 'desiredState', value: 'shutdown' })), [
      't1',
      't3',
    ]);
    const found = store.find(tasks, { index: 'node', value: 'n2' }).find((t) => t.id === 't1');
    assert.equal(found, store.get(tasks, 't1'), 'find returns the stored reference, not a copy');
  });

  test('a multi-key index files an object under every key', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(services, aService('s1', 'a', { labels: { tier: 'front', team: 'x' } }));
      tx.create(services, aService('s2', 'b', { labels: { tier: 'back' } }));
    });
    assert.deepEqual(ids(store.find(services, { index: 'label', value: 'tier' })), ['s1', 's2']);
    assert.deepEqual(ids(store.find(services, { index: 'label', value: 'tier=front' })), ['s1']);
    assert.deepEqual(ids(store.find(services, { index: 'label', value: 'team' })), ['s1']);
  });

  test('an index the table does not declare is a bug, not an empty answer', () => {
    const { store } = localStore();
    assert.throws(() => store.find(tasks, { index: 'nope', value: 'x' }), /store-known-index/);
  });

  test('a table spec the store was not built with is refused', () => {
    const { store } = localStore();
    const stranger = defineTable<Service>({ name: 'services' });
    assert.throws(() => store.get(stranger, 'x'), /store-known-table/);
    assert.throws(() => new MemoryStore({ tables: [services, services] }), /store-unique-table/);
  });

  test('ID prefix lookup returns every match so the API can report ambiguity', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(services, aService('abc123', 'one'));
      tx.create(services, aService('abd456', 'two'));
      tx.create(services, aService('xyz789', 'three'));
    });
    assert.deepEqual(ids(store.findByIdPrefix(services, 'ab')), ['abc123', 'abd456']);
    assert.deepEqual(ids(store.findByIdPrefix(services, 'abc')), ['abc123']);
    assert.deepEqual(ids(store.findByIdPrefix(services, 'q')), []);
    assert.deepEqual(store.findByIdPrefix(services, ''), []);
  });
});

describe('apply-time checks', () => {
  test('names are unique case-insensitively, with Docker wording', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(services, aService('s1', 'Web'));
    });
    const failure = store.update((tx) => {
      tx.create(services, aService('s2', 'wEB'));
    });
    await assert.rejects(failure, (error: unknown) => {
      assert.ok(error instanceof ShoalError);
      assert.equal(error.code, 'STORE_NAME_CONFLICT');
      assert.equal(error.status, 409);
      assert.equal(error.message, 'service wEB already exists');
      return true;
    });
    assert.equal(store.getByName(services, 'WEB')?.id, 's1');
    assert.equal(store.get(services, 's2'), undefined);
  });

  test('renaming onto a taken name conflicts; renaming an object to itself does not', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(services, aService('s1', 'web'));
      tx.create(services, aService('s2', 'db'));
    });
    const s2 = store.get(services, 's2')!;
    const code = await rejectionCode(
      store.update((tx) => void tx.update(services, { ...s2, name: 'WEB' })),
    );
    assert.equal(code, 'STORE_NAME_CONFLICT');
    await store.update((tx) => void tx.update(services, { ...s2, name: 'DB' }));
    assert.equal(store.getByName(services, 'db')?.name, 'DB');
    const renamed = store.get(services, 's2')!;
    await store.update((tx) => void tx.update(services, { ...renamed, name: 'cache' }));
    assert.equal(store.getByName(services, 'db'), undefined);
    assert.equal(store.getByName(services, 'Cache')?.id, 's2');
  });

  test('tables without a unique name let names repeat', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(nodes, { id: 'n1', hostname: 'host' });
      tx.create(nodes, { id: 'n2', hostname: 'host' });
    });
    assert.equal(store.all(nodes).length, 2);
  });

  test("an update with a stale version fails with Docker's sequence conflict", async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1')));
    const read = store.get(services, 's1')!;
    await store.update((tx) => void tx.update(services, { ...read, replicas: 2 }));
    const failure = store.update((tx) => void tx.update(services, { ...read, replicas: 5 }));
    await assert.rejects(failure, (error: unknown) => {
      assert.ok(error instanceof ShoalError);
      assert.equal(error.code, 'STORE_SEQUENCE_CONFLICT');
      assert.equal(error.status, 500);
      assert.equal(error.message, 'update out of sequence');
      return true;
    });
    assert.equal(store.get(services, 's1')?.replicas, 2);
  });

  test('duplicate IDs and missing objects fail with their codes', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1')));
    assert.equal(
      await rejectionCode(store.update((tx) => void tx.create(services, aService('s1', 'other')))),
      'STORE_EXISTS',
    );
    assert.equal(
      await rejectionCode(store.update((tx) => tx.delete(services, 'ghost'))),
      'STORE_NOT_FOUND',
    );
    const ghost = { ...store.get(services, 's1')!, id: 'ghost' };
    assert.equal(
      await rejectionCode(store.update((tx) => void tx.update(services, ghost))),
      'STORE_NOT_FOUND',
    );
  });

  test('a failing transaction changes nothing at all, and publishes nothing', async () => {
    const { store } = localStore();
    await store.update((tx) => {
      tx.create(services, aService('s1', 'web'));
      tx.create(tasks, aTask('t1', 's1', { nodeId: 'n1' }));
    });
    const before = tablesOf(store);
    const t1 = store.get(tasks, 't1')!;
    const watcher = store.watch();
    const code = await rejectionCode(
      store.update((tx) => {
        tx.create(tasks, aTask('t2', 's1', { nodeId: 'n1' }));
        tx.update(tasks, { ...t1, nodeId: 'n9' });
        tx.delete(services, 's1');
        tx.create(services, aService('s2', 'WEB2'));
        tx.create(services, aService('s3', 'web2'));
      }),
    );
    assert.equal(code, 'STORE_NAME_CONFLICT');
    assert.deepEqual(tablesOf(store), before);
    assert.equal(store.index, 2, 'the failed entry still consumed its index');
    assert.deepEqual(ids(store.find(tasks, { index: 'node', value: 'n1' })), ['t1']);
    assert.deepEqual(store.find(tasks, { index: 'node', value: 'n9' }), []);
    assert.equal(store.getByName(services, 'web')?.id, 's1');
    assert.equal(watcher.pending, 0);
  });

  test('a delete then a create of the same name in one transaction succeeds', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1', 'web')));
    await store.update((tx) => {
      tx.delete(services, 's1');
      tx.create(services, aService('s2', 'web'));
    });
    assert.equal(store.getByName(services, 'web')?.id, 's2');
  });

  test('an empty transaction proposes nothing', async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1')));
    assert.equal(await store.update(() => {}), 1);
    assert.equal(store.index, 1);
  });

  test('whatever the callback throws propagates and nothing is written', async () => {
    const { store } = localStore();
    const failure = store.update((tx) => {
      tx.create(services, aService('s1'));
      throw new Error('changed my mind');
    });
    await assert.rejects(failure, /changed my mind/);
    assert.equal(store.index, 0);
    assert.equal(store.get(services, 's1'), undefined);
  });

  test('a transaction over the size limit is refused before it is proposed', async () => {
    const { store } = localStore();
    const big = 'x'.repeat(1024 * 1024);
    const failure = store.update((tx) => {
      tx.create(services, aService('s1', 'a', { labels: { big } }));
      tx.create(services, aService('s2', 'b', { labels: { big } }));
    });
    await assert.rejects(failure, (error: unknown) => {
      assert.ok(error instanceof ShoalError);
      assert.equal(error.code, 'STORE_REQUEST_TOO_LARGE');
      assert.equal(error.status, 400);
      return true;
    });
    assert.equal(store.index, 0);
    await store.update((tx) => void tx.create(services, aService('s1', 'a', { labels: { big } })));
    assert.equal(store.all(services).length, 1);
  });
});
