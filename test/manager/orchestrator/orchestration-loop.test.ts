import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrchestrationLoop } from '../../../src/manager/orchestrator/orchestration-loop.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import type { ObjectChanged } from '../../../src/store/store-event.ts';
import { services } from '../../../src/store/tables.ts';
import type { ManualClock } from '../../../src/base/clock.ts';
import { aService, settle, testStore } from './fixtures.ts';

/** A loop that records its passes and can be told to fail. */
class Recorder extends OrchestrationLoop {
  readonly passes: { keys: string[]; full: boolean }[] = [];
  failures = 0;

  constructor(
    store: MemoryStore,
    clock: ManualClock,
    batch?: { batchMs: number; batchLimit: number },
  ) {
    super(store, clock, undefined, {
      name: 'recorder',
      tables: [services],
      sweepMs: 1000,
      ...(batch ? { batch } : {}),
    });
  }

  protected onChange(event: ObjectChanged): void {
    this.markDirty(event.object.id);
  }

  protected pass(keys: ReadonlySet<string>, full: boolean): Promise<void> {
    this.passes.push({ keys: [...keys].sort(), full });
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('conflict'));
    }
    return Promise.resolve();
  }

  later(key: string, at: number): void {
    this.wakeAt(key, at);
  }
}

test('a full pass at start, one pass per burst of events, a sweep every period', async () => {
  const { store, clock } = testStore();
  const loop = new Recorder(store, clock);
  loop.start();
  await settle(loop);
  await store.update((tx) => {
    tx.create(services, aService('a'));
  });
  await store.update((tx) => {
    tx.create(services, aService('b'));
  });
  await settle(loop);
  assert.deepEqual(loop.passes, [
    { keys: [], full: true },
    { keys: ['a', 'b'], full: false },
  ]);
  clock.advance(1000);
  await settle(loop);
  assert.deepEqual(loop.passes.at(-1), { keys: [], full: true });
  await loop.stop();
  assert.equal(clock.pending(), 0);
  assert.equal(store.watcherCount, 0);
});

test('a failed pass is retried with its keys; wake-ups mark keys dirty at their time', async () => {
  const { store, clock } = testStore();
  const loop = new Recorder(store, clock);
  loop.start();
  await settle(loop);
  loop.failures = 1;
  await store.update((tx) => {
    tx.create(services, aService('a'));
  });
  await settle(loop);
  clock.advance(100);
  await settle(loop);
  assert.deepEqual(
    loop.passes.slice(1).map((p) => p.keys),
    [['a'], ['*retry*', 'a']],
  );
  loop.later('x', clock.now() + 500);
  loop.later('x', clock.now() + 300);
  clock.advance(300);
  await settle(loop);
  assert.deepEqual(loop.passes.at(-1)?.keys, ['x']);
  await loop.stop();
});

test('batched loops pass after the batch period, or at once past the limit', async () => {
  const { store, clock } = testStore();
  const loop = new Recorder(store, clock, { batchMs: 250, batchLimit: 2 });
  loop.start();
  await settle(loop);
  await store.update((tx) => {
    tx.create(services, aService('a'));
  });
  await settle(loop);
  assert.equal(loop.passes.length, 1);
  clock.advance(250);
  await settle(loop);
  assert.deepEqual(loop.passes.at(-1)?.keys, ['a']);
  await store.update((tx) => {
    for (const id of ['b', 'c', 'd']) tx.create(services, aService(id));
  });
  await settle(loop);
  assert.deepEqual(loop.passes.at(-1)?.keys, ['b', 'c', 'd']);
  await loop.stop();
});
