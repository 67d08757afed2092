import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { MemoryStore } from '../../src/store/memory-store.ts';
import {
  aService,
  aTask,
  allTables,
  ids,
  localStore,
  nodes,
  services,
  tasks,
} from './support/tables.ts';

async function populated(): Promise<MemoryStore> {
  const { store } = localStore();
  await store.update((tx) => {
    tx.create(services, aService('s1', 'Web', { labels: { tier: 'front' } }));
    tx.create(services, aService('s2', 'db'));
    tx.create(tasks, aTask('t1', 's1', { nodeId: 'n1' }));
    tx.create(tasks, aTask('t2', 's2', { nodeId: 'n1' }));
    tx.create(nodes, { id: 'n1', hostname: 'h' });
  });
  const t1 = store.get(tasks, 't1')!;
  await store.update((tx) => {
    tx.update(tasks, { ...t1, nodeId: 'n2' });
    tx.delete(services, 's2');
  });
  return store;
}

describe('snapshot and restore', () => {
  test('round trip: identical image, index, objects, names and indexes', async () => {
    const source = await populated();
    const image = source.snapshot();
    const { store: copy } = localStore();
    copy.restore(image);
    assert.deepEqual(copy.snapshot(), image);
    assert.equal(copy.index, source.index);
    assert.deepEqual(copy.get(tasks, 't1'), source.get(tasks, 't1'));
    assert.ok(Object.isFrozen(copy.get(tasks, 't1')));
    assert.equal(copy.getByName(services, 'WEB')?.id, 's1');
    assert.deepEqual(ids(copy.find(tasks, { index: 'node', value: 'n2' })), ['t1']);
    assert.deepEqual(ids(copy.find(tasks, { index: 'node', value: 'n1' })), ['t2']);
    assert.deepEqual(ids(copy.find(services, { index: 'label', value: 'tier=front' })), ['s1']);
    await copy.update((tx) => void tx.create(services, aService('s3', 'cache')));
    assert.equal(copy.get(services, 's3')?.meta.version, source.index + 1);
  });

  test('restore replaces everything and tells every watcher, whatever its filter', async () => {
    const source = await populated();
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('old', 'old')));
    const watcher = store.watch({ tables: [nodes], kinds: ['created'] });
    store.restore(source.snapshot());
    assert.equal(store.get(services, 'old'), undefined);
    assert.equal(store.getByName(services, 'old'), undefined);
    assert.deepEqual((await watcher.next()).value, { kind: 'restored', index: source.index });
  });

  test("an image that is not one of this store's is refused and changes nothing", async () => {
    const { store } = localStore();
    await store.update((tx) => void tx.create(services, aService('s1')));
    const before = store.snapshot();
    const bad = [
      Buffer.from('not json'),
      Buffer.from('{"v":2,"index":1,"tables":{}}'),
      Buffer.from('{"v":1,"index":1,"tables":{"volumes":[]}}'),
      Buffer.from('{"v":1,"index":1,"tables":{"services":[{"id":"x"}]}}'),
      Buffer.from(
        '{"v":1,"index":1,"tables":{"services":[' +
          '{"id":"a","meta":{"version":1},"name":"x","labels":{}},' +
          '{"id":"b","meta":{"version":1},"name":"X","labels":{}}]}}',
      ),
    ];
    for (const image of bad) assert.throws(() => store.restore(image), /invariant/);
    assert.deepEqual(store.snapshot(), before);
  });

  test('a table missing from the image restores empty', () => {
    const store = new MemoryStore({ tables: allTables });
    store.restore(Buffer.from('{"v":1,"index":7,"tables":{"nodes":[]}}'));
    assert.equal(store.index, 7);
    assert.deepEqual(store.all(services), []);
  });
});
