import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECOND } from '../../../../src/api/defaults.ts';
import type { ManualClock } from '../../../../src/base/clock.ts';
import { MemoryStore } from '../../../../src/store/memory-store.ts';
import { clusterTables } from '../../../../src/store/tables.ts';
import type { Batch } from '../../../../src/store/batch.ts';
import type { Transaction } from '../../../../src/store/transaction.ts';
import { UpdateHarness } from './update-harness.ts';

/** A store that refuses every write while `failing` (as a manager that lost leadership does). */
class RefusingStore extends MemoryStore {
  failing = false;

  constructor(clock: ManualClock) {
    super({ tables: clusterTables }, { clock });
  }

  override update(fn: (tx: Transaction) => void | Promise<void>): Promise<number> {
    return this.failing ? Promise.reject(new Error('not the leader')) : super.update(fn);
  }

  override batch(fn: (batch: Batch) => void | Promise<void>): Promise<number> {
    return this.failing ? Promise.reject(new Error('not the leader')) : super.batch(fn);
  }
}

describe('Updater: store failures', () => {
  let h: UpdateHarness;
  afterEach(async () => h.close());

  test('a run whose writes keep failing retries, gives up, and a later call carries on', async () => {
    let store: RefusingStore | undefined;
    h = new UpdateHarness({ makeStore: (clock) => (store = new RefusingStore(clock)) });
    await h.start(2, { update: { Parallelism: 1, Delay: 10 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    assert.ok(store);
    store.failing = true;
    await h.advance(15_000, 500);
    assert.deepEqual(h.updater.activeServices, ['svc1'], 'still retrying');
    await h.advance(10_000, 500);
    assert.deepEqual(h.updater.activeServices, [], 'gave up after repeated failures');
    assert.equal(h.clock.pending(), 0, 'no timer left behind');

    store.failing = false;
    h.kick();
    await h.settle();
    assert.deepEqual(h.live(), ['1:v2', '2:v2']);
    // Slot 2's lane delay (10 s), then Delay ≥ Monitor: 11 s more.
    await h.advance(21_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
  });

  test('a write that fails once is retried a second later, and no slot is skipped', async () => {
    let store: RefusingStore | undefined;
    h = new UpdateHarness({ makeStore: (clock) => (store = new RefusingStore(clock)) });
    await h.start(2, { update: { Parallelism: 1, Delay: 10 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    assert.ok(store);
    store.failing = true;
    await h.advance(10_500, 500);
    assert.deepEqual(h.live(), ['1:v2', '2:v1'], 'slot 2 could not be written');
    store.failing = false;
    await h.advance(500, 500);
    assert.deepEqual(h.live(), ['1:v2', '2:v2']);
    await h.advance(21_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
  });
});
