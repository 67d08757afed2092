import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECOND } from '../../../../src/api/defaults.ts';
import { label, UpdateHarness } from './update-harness.ts';

const created = (h: UpdateHarness, tag: string) =>
  h.log.filter((e) => e.startsWith('+') && e.includes(`:${tag} `));

/** The ID of the task labelled `name` (`1:v2`); with `failed`, of the failed one. */
function idOf(h: UpdateHarness, name: string, failed = false): string {
  const task = h.tasks().find((t) => label(t) === name && (!failed || t.Status.State === 'failed'));
  assert.ok(task, `no task ${name}`);
  return task.id;
}

describe('Updater: failure actions', () => {
  let h: UpdateHarness;
  afterEach(async () => h.close());

  test('pause: the update stops at the first failed task and the service is left alone until its spec changes', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failOnStart: true });
    await h.start(3, { update: { Parallelism: 1, FailureAction: 'pause' } });
    await h.updateSpec(h.image('app:v2'));
    const status = h.service().UpdateStatus;
    assert.equal(status?.State, 'paused');
    assert.equal(
      status?.Message,
      `update paused due to failure or early termination of task ${idOf(h, '1:v2')}`,
    );
    await h.advance(60_000, 5_000);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready']);
    assert.equal(h.service().UpdateStatus?.State, 'paused');

    await h.updateSpec(h.image('app:v3'));
    await h.advance(5_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.deepEqual(h.live(), ['1:v3', '2:v3', '3:v3']);
  });

  test('continue: failures are ignored and every slot is updated', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failOnStart: true });
    await h.start(3, { update: { Parallelism: 1, FailureAction: 'continue' } });
    await h.updateSpec(h.image('app:v2'));
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready', '+2:v2 ready', '+3:v2 ready']);
    await h.advance(5_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.equal(h.service().UpdateStatus?.Message, 'update completed');
  });

  test('rollback: the spec returns to the previous one, which rolls out with RollbackConfig', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failOnStart: true });
    await h.start(2, {
      update: { Parallelism: 1, FailureAction: 'rollback' },
      rollback: { Parallelism: 0, Order: 'start-first' },
    });
    await h.updateSpec(h.image('app:v2'));
    const failed = idOf(h, '1:v2');
    const service = h.service();
    assert.equal(service.UpdateStatus?.State, 'rollback_started');
    assert.equal(
      service.UpdateStatus?.Message,
      `update rolled back due to failure or early termination of task ${failed}`,
    );
    assert.equal(service.Spec.TaskTemplate?.ContainerSpec?.Image, 'app:v1');
    assert.equal(service.PreviousSpec, undefined);
    assert.deepEqual(
      created(h, 'v1'),
      ['+1:v1 running'],
      'start-first from RollbackConfig; slot 2 was never updated',
    );
    await h.advance(5_000);
    assert.equal(h.service().UpdateStatus?.State, 'rollback_completed');
    assert.equal(h.service().UpdateStatus?.Message, 'rollback completed');
    assert.deepEqual(h.live(), ['1:v1', '2:v1']);
  });

  test('a rollback that fails too is paused, never rolled back again', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failOnStart: true });
    h.images.set('app:v1', { failOnStart: true });
    await h.start(2, {
      update: { FailureAction: 'rollback' },
      rollback: { FailureAction: 'rollback' },
    });
    await h.updateSpec(h.image('app:v2'));
    const status = h.service().UpdateStatus;
    assert.equal(status?.State, 'rollback_paused');
    assert.equal(
      status?.Message,
      `rollback paused due to failure or early termination of task ${idOf(h, '1:v1', true)}`,
    );
    assert.equal(h.service().Spec.TaskTemplate?.ContainerSpec?.Image, 'app:v1');
  });

  test('max failure ratio: the action waits until failures / dirty slots exceeds it', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failOnStart: true });
    await h.start(4, { update: { Parallelism: 1, MaxFailureRatio: 0.5 } });
    await h.updateSpec(h.image('app:v2'));
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready', '+2:v2 ready', '+3:v2 ready']);
    assert.equal(h.service().UpdateStatus?.State, 'paused');
    assert.match(h.service().UpdateStatus?.Message ?? '', new RegExp(`task ${idOf(h, '3:v2')}$`));
  });

  test('monitor window: a task failing within Monitor of running counts', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failAfterMs: 3_000 });
    await h.start(2, { update: { Parallelism: 1, Delay: 4 * SECOND, Monitor: 5 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    await h.advance(3_000);
    assert.equal(h.service().UpdateStatus?.State, 'paused');
    await h.advance(10_000);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready'], 'slot 2 never started');
  });

  test('monitor window: a task failing later than Monitor after running does not count', async () => {
    h = new UpdateHarness();
    h.images.set('app:v2', { failAfterMs: 7_000 });
    await h.start(2, { update: { Parallelism: 1, Delay: 4 * SECOND, Monitor: 5 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    await h.advance(12_750);
    assert.ok(h.log.includes('1:v2 = failed'));
    assert.equal(h.service().UpdateStatus?.State, 'updating');
    await h.advance(250);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
  });
});

describe('Updater: manual rollback and leader changes', () => {
  let h: UpdateHarness;
  afterEach(async () => h.close());

  test('a manual rollback runs with RollbackConfig and ends rollback_completed', async () => {
    h = new UpdateHarness();
    await h.start(2, {
      update: { Parallelism: 1, Order: 'stop-first' },
      rollback: { Parallelism: 0, Order: 'start-first' },
    });
    await h.updateSpec(h.image('app:v2'));
    await h.advance(5_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');

    await h.rollbackManually();
    assert.equal(h.service().UpdateStatus?.Message, 'manually requested rollback');
    assert.deepEqual(
      created(h, 'v1'),
      ['+1:v1 running', '+2:v1 running'],
      'all at once, start-first',
    );
    const log = h.log.join('\n');
    assert.ok(log.indexOf('1:v1 = running') < log.indexOf('1:v2 → shutdown'));
    await h.advance(5_000);
    assert.equal(h.service().UpdateStatus?.State, 'rollback_completed');
    assert.deepEqual(h.live(), ['1:v1', '2:v1']);
  });

  test('an update survives a leader change: the new leader finishes it from the store', async () => {
    h = new UpdateHarness();
    await h.start(3, { update: { Parallelism: 1, Delay: 10 * SECOND } });
    await h.updateSpec(h.image('app:v2'));
    await h.advance(5_000);
    await h.loseLeadership();
    await h.advance(30_000, 5_000);
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready'], 'nothing moves without a leader');

    await h.takeOver();
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready', '+2:v2 ready'], 'slot 1 is clean and kept');
    await h.advance(10_000);
    assert.equal(created(h, 'v2').length, 3);
    await h.advance(20_750);
    assert.equal(h.service().UpdateStatus?.State, 'updating');
    await h.advance(250);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.deepEqual(h.live(), ['1:v2', '2:v2', '3:v2']);
  });

  test('a replacement held at ready by the old leader is started by the new one', async () => {
    h = new UpdateHarness();
    h.stubborn.add('app:v1');
    await h.start(1);
    await h.updateSpec(h.image('app:v2'));
    await h.loseLeadership();
    await h.takeOver();
    assert.ok(!h.log.includes('1:v2 → running'), 'the old task is still stopping');
    await h.release('app:v1');
    assertOrder(h.log, ['1:v1 = shutdown', '1:v2 → running', '1:v2 = running']);
    await h.advance(5_000);
    assert.equal(h.service().UpdateStatus?.State, 'completed');
    assert.deepEqual(created(h, 'v2'), ['+1:v2 ready']);
  });
});

function assertOrder(log: readonly string[], entries: readonly string[]): void {
  const positions = entries.map((entry) => log.indexOf(entry));
  assert.ok(
    !positions.includes(-1),
    `${JSON.stringify(entries)} not all in ${JSON.stringify(log)}`,
  );
  for (let i = 1; i < positions.length; i++)
    assert.ok((positions[i - 1] ?? 0) < (positions[i] ?? 0));
}
