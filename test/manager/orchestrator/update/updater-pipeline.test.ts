/**
 * The Updater behind the real task allocator and replicated orchestrator (which call
 * `update()` after each reconcile, restart failed tasks and start held ones), with the fake
 * agent also playing the scheduler.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECOND } from '../../../../src/api/defaults.ts';
import { UpdateHarness } from './update-harness.ts';

const created = (h: UpdateHarness, tag: string) =>
  h.log.filter((e) => e.startsWith('+') && e.includes(`:${tag} `));

describe('Updater with the replicated orchestrator', () => {
  let h: UpdateHarness;
  afterEach(async () => h.close());

  test('a rolling update completes with one replacement per slot', async () => {
    h = new UpdateHarness({ pipeline: true });
    await h.start(3, { update: { Parallelism: 1, Delay: 10 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    assert.equal(h.service().UpdateStatus?.State, 'updating');
    await h.advance(20_000, 500);
    assert.deepEqual(h.live(), ['1:v2', '2:v2', '3:v2']);
    await h.advance(21_000, 500);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready', '+2:v2 ready', '+3:v2 ready']);
    assert.ok(h.tasks().every((t) => t.Status.State !== 'new' && t.Status.State !== 'pending'));
  });

  test('pause: the failed slot is restarted by the orchestrator, the other slots stay on the old spec', async () => {
    h = new UpdateHarness({ pipeline: true });
    h.images.set('app:v2', { failOnStart: true });
    await h.start(3, { update: { Parallelism: 1 } });
    await h.updateSpec(h.image('app:v2'));
    assert.equal(h.service().UpdateStatus?.State, 'paused');
    await h.advance(30_000, 1_000);
    assert.equal(h.service().UpdateStatus?.State, 'paused');
    assert.deepEqual(h.live().slice(1), ['2:v1', '3:v1']);
    assert.ok(created(h, 'v2').every((entry) => entry.startsWith('+1:')));
  });

  test('rollback: the failed update returns to the previous spec and completes the rollback', async () => {
    h = new UpdateHarness({ pipeline: true });
    h.images.set('app:v2', { failOnStart: true });
    await h.start(3, { update: { Parallelism: 1, FailureAction: 'rollback' } });
    await h.updateSpec(h.image('app:v2'));
    await h.advance(20_000, 500);
    assert.equal(h.service().UpdateStatus?.State, 'rollback_completed');
    assert.deepEqual(h.live(), ['1:v1', '2:v1', '3:v1']);
  });
});
