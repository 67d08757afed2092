import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECOND } from '../../../../src/api/defaults.ts';
import { services } from '../../../../src/store/tables.ts';
import { UpdateHarness } from './update-harness.ts';

/** Asserts that `entries` appear in `log` in this order. */
function assertOrder(log: readonly string[], entries: readonly string[]): void {
  const positions = entries.map((entry) => {
    const at = log.indexOf(entry);
    assert.notEqual(at, -1, `${entry} missing from ${JSON.stringify(log)}`);
    return at;
  });
  for (let i = 1; i < positions.length; i++) {
    assert.ok(
      (positions[i - 1] ?? 0) < (positions[i] ?? 0),
      `${entries[i - 1]} should come before ${entries[i]} in ${JSON.stringify(log)}`,
    );
  }
}

const created = (h: UpdateHarness, tag: string) =>
  h.log.filter((e) => e.startsWith('+') && e.includes(`:${tag} `));

describe('Updater: rolling out a new spec', () => {
  let h: UpdateHarness;
  afterEach(async () => h.close());

  test('stop-first, parallelism 1, delay 10 s: one slot at a time, old task stopped before the new one starts', async () => {
    h = new UpdateHarness();
    await h.start(2, { update: { Parallelism: 1, Delay: 10 * SECOND, Order: 'stop-first' } });
    await h.updateSpec(h.image('app:v2'));

    assert.equal(h.service().UpdateStatus?.State, 'updating');
    assert.equal(h.service().UpdateStatus?.Message, 'update in progress');
    assert.equal(h.service().UpdateStatus?.StartedAt, '2024-01-01T00:00:00.000Z');
    assertOrder(h.log, [
      '+1:v2 ready',
      '1:v1 → shutdown',
      '1:v1 = shutdown',
      '1:v2 → running',
      '1:v2 = running',
    ]);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready'], 'slot 2 waits for the delay');

    await h.advance(9_750);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready']);
    await h.advance(250);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready', '+2:v2 ready']);
    assertOrder(h.log, [
      '+2:v2 ready',
      '2:v1 → shutdown',
      '2:v1 = shutdown',
      '2:v2 → running',
      '2:v2 = running',
    ]);
    assert.deepEqual(h.live(), ['1:v2', '2:v2']);

    // Slot 2 done at 10 s, its lane's delay ends at 20 s, then Delay ≥ Monitor: 11 s more.
    await h.advance(20_750);
    assert.equal(h.service().UpdateStatus?.State, 'updating');
    await h.advance(250);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.equal(h.service().UpdateStatus?.Message, 'update completed');
    assert.equal(h.service().UpdateStatus?.CompletedAt, '2024-01-01T00:00:31.000Z');
    assert.deepEqual(
      created(h, 'v2').length,
      2,
      'one replacement per slot despite repeated update() calls',
    );
  });

  test('start-first: the new task runs before the old one is shut down', async () => {
    h = new UpdateHarness();
    await h.start(1, { update: { Parallelism: 1, Order: 'start-first' } });
    await h.updateSpec(h.image('app:v2'));
    assertOrder(h.log, [
      '+1:v2 running',
      '1:v2 = ready',
      '1:v2 = running',
      '1:v1 → shutdown',
      '1:v1 = shutdown',
    ]);
    await h.advance(5_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.deepEqual(h.live(), ['1:v2']);
  });

  test('start-first: a replacement that fails leaves the old task running', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failOnStart: true });
    await h.start(1, { update: { Order: 'start-first', FailureAction: 'continue' } });
    await h.updateSpec(h.image('app:v2'));
    assert.ok(h.log.includes('1:v2 = failed'));
    assert.ok(!h.log.includes('1:v1 → shutdown'));
  });

  test('parallelism 2 with a delay replaces two slots per batch', async () => {
    h = new UpdateHarness();
    await h.start(4, { update: { Parallelism: 2, Delay: 5 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready', '+2:v2 ready']);
    await h.advance(5_000);
    assert.deepEqual(created(h, 'v2'), [
      '+1:v2 ready',
      '+2:v2 ready',
      '+3:v2 ready',
      '+4:v2 ready',
    ]);
    await h.advance(11_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.deepEqual(h.live(), ['1:v2', '2:v2', '3:v2', '4:v2']);
  });

  test('parallelism 0 replaces every slot at once', async () => {
    h = new UpdateHarness();
    await h.start(3, { update: { Parallelism: 0, Delay: 60 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready', '+2:v2 ready', '+3:v2 ready']);
  });

  test('a newer spec cancels the update under way and starts over', async () => {
    h = new UpdateHarness();
    await h.start(2, { update: { Parallelism: 1, Delay: 10 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    await h.updateSpec(h.image('app:v3'));
    assert.deepEqual(created(h, 'v3'), ['+1:v3 ready']);
    await h.advance(10_000);
    assert.deepEqual(h.live(), ['1:v3', '2:v3']);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready'], 'the v2 update made no more tasks');
    await h.advance(21_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
  });

  test('a stubborn old task delays its replacement until it stops or a minute passes', async () => {
    h = new UpdateHarness();
    h.stubborn.add('app:v1');
    await h.start(1);
    await h.updateSpec(h.image('app:v2'));
    assert.ok(!h.log.includes('1:v2 → running'));
    await h.advance(59_750);
    assert.ok(!h.log.includes('1:v2 → running'));
    await h.advance(250);
    assert.ok(h.log.includes('1:v2 → running'));
  });

  test('a global service is updated node by node, replacements pinned to their node', async () => {
    h = new UpdateHarness();
    await h.start(2, { global: true, update: { Parallelism: 1, Delay: 5 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    assert.deepEqual(created(h, 'v2'), ['+node1:v2 ready']);
    await h.advance(5_000);
    assert.deepEqual(created(h, 'v2'), ['+node1:v2 ready', '+node2:v2 ready']);
    await h.advance(11_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.deepEqual(h.live(), ['node1:v2', 'node2:v2']);
    assert.ok(h.tasks().every((t) => t.Slot === 0));
  });

  test('a removed service stops its update', async () => {
    h = new UpdateHarness();
    await h.start(2, { update: { Parallelism: 1, Delay: 10 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    assert.deepEqual(h.updater.activeServices, ['svc1']);
    await h.store.update((tx) => tx.delete(services, 'svc1'));
    await h.settle();
    assert.deepEqual(h.updater.activeServices, []);
    await h.advance(10_000);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready']);
  });
});
