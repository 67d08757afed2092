import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { ManualClock } from '../../src/base/clock.ts';
import { ShoalError } from '../../src/base/errors.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { FakeLog } from './support/fake-log.ts';
import { aService, aTask, allTables, rejectionCode, services, tasks } from './support/tables.ts';

/** Three stores replicating through one FakeLog, each with its own (disagreeing) clock. */
function cluster(size = 3): { log: FakeLog; stores: MemoryStore[] } {
  const log = new FakeLog();
  const stores = Array.from({ length: size }, (_, i) => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1) + i * 3_600_000);
    const store = new MemoryStore({ tables: allTables, proposer: log }, { clock });
    log.attach(store);
    return store;
  });
  return { log, stores };
}

function assertIdentical(stores: readonly MemoryStore[]): void {
  const images = stores.map((s) => Buffer.from(s.snapshot()).toString('utf8'));
  for (const image of images.slice(1)) assert.equal(image, images[0]);
}

describe('replicas applying one log', () => {
  test("writes through any replica reach all, identically, with the proposer's timestamps", async () => {
    const { stores } = cluster();
    const [a, b, c] = stores as [MemoryStore, MemoryStore, MemoryStore];
    assert.equal(await a.update((tx) => void tx.create(services, aService('s1', 'web'))), 1);
    assert.equal(await b.update((tx) => void tx.create(tasks, aTask('t1', 's1'))), 2);
    const t1 = c.get(tasks, 't1')!;
    assert.equal(await c.update((tx) => void tx.update(tasks, { ...t1, nodeId: 'n1' })), 3);
    assertIdentical(stores);
    assert.equal(a.get(tasks, 't1')?.meta.createdAt, '2024-01-01T01:00:00.000Z', "b's clock");
    assert.equal(a.get(tasks, 't1')?.meta.updatedAt, '2024-01-01T02:00:00.000Z', "c's clock");
    assert.equal(b.find(tasks, { index: 'node', value: 'n1' }).length, 1);
  });

  test('two writers updating from the same version: exactly one wins', async () => {
    const { stores } = cluster();
    const [a, b] = stores as [MemoryStore, MemoryStore];
    await a.update((tx) => void tx.create(services, aService('s1', 'web')));
    const readByA = a.get(services, 's1')!;
    const readByB = b.get(services, 's1')!;
    const results = await Promise.allSettled([
      a.update((tx) => void tx.update(services, { ...readByA, replicas: 3 })),
      b.update((tx) => void tx.update(services, { ...readByB, replicas: 5 })),
    ]);
    const [first, second] = results;
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'rejected');
    assert.equal((second.reason as { code?: string }).code, 'STORE_SEQUENCE_CONFLICT');
    assert.equal(b.get(services, 's1')?.replicas, 3);
    assertIdentical(stores);
  });

  test('two writers creating the same name in different case: exactly one wins', async () => {
    const { stores } = cluster();
    const [a, b] = stores as [MemoryStore, MemoryStore];
    const results = await Promise.allSettled([
      a.update((tx) => void tx.create(services, aService('s1', 'web'))),
      b.update((tx) => void tx.create(services, aService('s2', 'WEB'))),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal(a.all(services).length, 1);
    assertIdentical(stores);
  });

  test('bytes that are not a transaction are skipped on every replica alike', async () => {
    const { log, stores } = cluster();
    await log.propose(Buffer.from('{"nope":1}'));
    await stores[0]!.update((tx) => void tx.create(services, aService('s1')));
    assert.equal(stores[1]!.get(services, 's1')?.meta.version, 2);
    assertIdentical(stores);
  });

  test('a replica restored from a mid-log snapshot and replaying the rest ends identical', async () => {
    const { log, stores } = cluster();
    const [a] = stores as [MemoryStore];
    for (let i = 0; i < 5; i++) await a.update((tx) => void tx.create(tasks, aTask(`t${i}`, 's1')));
    const image = a.snapshot();
    const cut = a.index;
    for (let i = 0; i < 3; i++) await a.update((tx) => tx.delete(tasks, `t${i}`));
    const late = new MemoryStore({ tables: allTables });
    late.restore(image);
    log.replay(late, cut + 1);
    assertIdentical([...stores, late]);
  });

  test("the proposer's rejection reaches the caller unchanged", async () => {
    const lost = new ShoalError('RAFT_PROPOSAL_LOST', 'lost', { status: 503 });
    const store = new MemoryStore({
      tables: allTables,
      proposer: { propose: () => Promise.reject(lost) },
    });
    assert.equal(
      await rejectionCode(store.update((tx) => void tx.create(services, aService('s1')))),
      'RAFT_PROPOSAL_LOST',
    );
  });

  test('a proposer that resolves before the store applied breaks the contract loudly', async () => {
    const store = new MemoryStore({
      tables: allTables,
      proposer: { propose: () => Promise.resolve(1) },
    });
    await assert.rejects(
      store.update((tx) => void tx.create(services, aService('s1'))),
      /store-proposer-applies/,
    );
  });

  test('property: any interleaving of writers leaves every replica identical', async () => {
    const op = fc.record({
      writer: fc.integer({ min: 0, max: 2 }),
      action: fc.constantFrom('create', 'update', 'rename', 'delete'),
      id: fc.constantFrom('s1', 's2', 's3', 's4'),
      name: fc.constantFrom('web', 'WEB', 'db', 'cache'),
      awaitIt: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const { log, stores } = cluster();
        const late = new MemoryStore({ tables: allTables });
        const inFlight: Promise<unknown>[] = [];
        let outcomes = 0;
        for (const { writer, action, id, name, awaitIt } of ops) {
          const store = stores[writer]!;
          const write = store.update((tx) => {
            const current = tx.get(services, id);
            if (action === 'create') tx.create(services, aService(id, name));
            else if (action === 'delete') tx.delete(services, id);
            else if (current)
              tx.update(services, {
                ...current,
                replicas: current.replicas + 1,
                name: action === 'rename' ? name : current.name,
              });
          });
          const settled = write.then(
            () => outcomes++,
            (error: unknown) => {
              assert.ok(error instanceof ShoalError, String(error));
              outcomes++;
            },
          );
          inFlight.push(settled);
          if (awaitIt) await settled;
        }
        await Promise.all(inFlight);
        assert.equal(outcomes, ops.length, 'every writer learned its outcome');
        log.replay(late, 1);
        assertIdentical([...stores, late]);
      }),
      { numRuns: 60 },
    );
  });
});
