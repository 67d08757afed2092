import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Node } from '../../../src/api/objects/node.ts';
import type { Task } from '../../../src/api/objects/task.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import type { Logger } from '../../../src/base/logger.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { sequenceConflict } from '../../../src/store/store-errors.ts';
import type { NewObject } from '../../../src/store/store-object.ts';
import { clusterTables, nodes, services, tasks } from '../../../src/store/tables.ts';
import { Scheduler } from '../../../src/manager/scheduler/scheduler.ts';
import { aNode, aService, aTask, someTasks } from './fixtures.ts';

const T0 = Date.UTC(2024, 0, 1);
const running: Scheduler[] = [];

/** Lets every queued promise and watch event run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

function fresh<T extends { meta: unknown }>(object: T): NewObject<T & { id: string; meta: never }> {
  const { meta: _meta, ...rest } = object;
  return rest as never;
}

async function seed(store: MemoryStore, nodeList: Node[], taskList: Task[]): Promise<void> {
  await store.update((tx) => {
    tx.create(services, fresh(aService('svc')));
    for (const node of nodeList) tx.create(nodes, fresh(node));
    for (const task of taskList) tx.create(tasks, fresh(task));
  });
}

function setup(options: { store?: MemoryStore; watchQueueLimit?: number; logger?: Logger } = {}): {
  store: MemoryStore;
  clock: ManualClock;
  scheduler: Scheduler;
} {
  const store = options.store ?? new MemoryStore({ tables: clusterTables });
  const clock = new ManualClock(T0);
  const scheduler = new Scheduler(store, {
    clock,
    ...(options.watchQueueLimit === undefined ? {} : { watchQueueLimit: options.watchQueueLimit }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  running.push(scheduler);
  return { store, clock, scheduler };
}

function stored(store: MemoryStore, id: string): Task {
  const task = store.get(tasks, id);
  assert.ok(task, `task ${id} is stored`);
  return task;
}

async function updateTask(
  store: MemoryStore,
  id: string,
  change: (t: Task) => Task,
): Promise<void> {
  await store.update((tx) => {
    tx.update(tasks, change(tx.get(tasks, id)!));
  });
}

afterEach(async () => {
  for (const scheduler of running.splice(0)) await scheduler.stop();
});

describe('Scheduler', () => {
  test('on start it places the pending tasks it finds, stamped with the clock', async () => {
    const { store, scheduler } = setup();
    await seed(store, [aNode('n1'), aNode('n2')], someTasks('t', 4));
    scheduler.start();
    await settle();
    for (const id of ['t1', 't2', 't3', 't4']) {
      const task = stored(store, id);
      assert.equal(task.Status.State, 'assigned');
      assert.equal(task.Status.Message, 'scheduler assigned task to node');
      assert.equal(task.Status.Timestamp, '2024-01-01T00:00:00.000Z');
      assert.equal(task.Status.Err, undefined);
    }
    assert.deepEqual(
      ['t1', 't2', 't3', 't4'].map((id) => stored(store, id).NodeID),
      ['n1', 'n2', 'n1', 'n2'],
    );
  });

  test('a new task waits for 50 ms of quiet after the last commit', async () => {
    const { store, clock, scheduler } = setup();
    await seed(store, [aNode('n1')], []);
    scheduler.start();
    await settle();
    await store.update((tx) => void tx.create(tasks, fresh(aTask('t1'))));
    await settle();
    clock.advance(49);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'pending');
    await store.update((tx) => void tx.create(tasks, fresh(aTask('t2'))));
    await settle();
    clock.advance(49);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'pending', 'a commit restarts the wait');
    clock.advance(1);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'assigned');
    assert.equal(stored(store, 't2').Status.State, 'assigned');
    assert.equal(stored(store, 't1').Status.Timestamp, '2024-01-01T00:00:00.099Z');
  });

  test('commits that keep coming delay a pass by at most one second', async () => {
    const { store, clock, scheduler } = setup();
    await seed(store, [aNode('n1')], []);
    scheduler.start();
    await settle();
    await store.update((tx) => void tx.create(tasks, fresh(aTask('t1'))));
    await settle();
    for (let i = 0; i < 30 && stored(store, 't1').Status.State === 'pending'; i++) {
      clock.advance(40);
      await store.update((tx) => void tx.create(tasks, fresh(aTask(`x${i}`))));
      await settle();
    }
    assert.equal(stored(store, 't1').Status.State, 'assigned');
    assert.equal(stored(store, 't1').Status.Timestamp, '2024-01-01T00:00:01.000Z');
  });

  test('a task that fits nowhere stays pending with the reason, written once', async () => {
    const { store, clock, scheduler } = setup();
    await seed(
      store,
      [aNode('n1', { state: 'down' }), aNode('n2', { availability: 'drain' })],
      [aTask('t1')],
    );
    scheduler.start();
    await settle();
    const task = stored(store, 't1');
    assert.equal(task.Status.State, 'pending');
    assert.equal(task.Status.Err, 'no suitable node (2 nodes not available for new tasks)');
    assert.equal(task.Status.Message, 'pending task scheduling');
    // A node change that does not help runs a pass but writes nothing new.
    await store.update(
      (tx) => void tx.update(nodes, { ...tx.get(nodes, 'n2')!, Spec: { Availability: 'pause' } }),
    );
    await settle();
    clock.advance(50);
    await settle();
    assert.equal(stored(store, 't1').meta.version, task.meta.version);
    // The node coming back lets it run.
    await store.update(
      (tx) => void tx.update(nodes, { ...tx.get(nodes, 'n1')!, Status: { State: 'ready' } }),
    );
    await settle();
    clock.advance(50);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'assigned');
    assert.equal(stored(store, 't1').NodeID, 'n1');
    assert.equal(stored(store, 't1').Status.Err, undefined);
  });

  test('a new node, or a label change, retries the waiting tasks', async () => {
    const { store, clock, scheduler } = setup();
    const placement = { Constraints: ['node.labels.disk==ssd'] };
    await seed(
      store,
      [aNode('n1')],
      [aTask('t1', { placement }), aTask('t2', { placement, slot: 2 })],
    );
    scheduler.start();
    await settle();
    assert.equal(
      stored(store, 't1').Status.Err,
      'no suitable node (scheduling constraints not satisfied on 1 node)',
    );
    await store.update(
      (tx) => void tx.create(nodes, fresh(aNode('n2', { labels: { disk: 'ssd' } }))),
    );
    await settle();
    clock.advance(50);
    await settle();
    assert.equal(stored(store, 't1').NodeID, 'n2');
    assert.equal(stored(store, 't2').NodeID, 'n2');
    await store.update(
      (tx) =>
        void tx.create(tasks, fresh(aTask('t3', { placement: { ...placement, MaxReplicas: 2 } }))),
    );
    await settle();
    clock.advance(50);
    await settle();
    assert.equal(
      stored(store, 't3').Status.Err,
      'no suitable node (scheduling constraints not satisfied on 1 node; max replicas per node limit exceed)',
    );
    await store.update(
      (tx) =>
        void tx.update(nodes, {
          ...tx.get(nodes, 'n1')!,
          Spec: { Availability: 'active', Labels: { disk: 'ssd' } },
        }),
    );
    await settle();
    clock.advance(50);
    await settle();
    assert.equal(stored(store, 't3').NodeID, 'n1');
  });

  test('a task leaving a node frees room for one waiting', async () => {
    const { store, clock, scheduler } = setup();
    await seed(
      store,
      [aNode('n1', { cpus: 1e9 })],
      [aTask('r1', { state: 'running', node: 'n1', cpus: 1e9 }), aTask('t1', { cpus: 1e9 })],
    );
    scheduler.start();
    await settle();
    assert.equal(
      stored(store, 't1').Status.Err,
      'no suitable node (insufficient resources on 1 node)',
    );
    await store.update((tx) => tx.delete(tasks, 'r1'));
    await settle();
    clock.advance(50);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'assigned');
  });

  test('pre-assigned tasks are confirmed on their node', async () => {
    const { store, scheduler } = setup();
    await seed(
      store,
      [aNode('n1'), aNode('n2', { cpus: 1e9 })],
      [aTask('g1', { node: 'n1', cpus: 2e9 }), aTask('g2', { node: 'n2', cpus: 2e9 })],
    );
    scheduler.start();
    await settle();
    assert.equal(stored(store, 'g1').Status.State, 'assigned');
    assert.equal(
      stored(store, 'g1').Status.Message,
      'scheduler confirmed task can run on preassigned node',
    );
    assert.equal(stored(store, 'g2').Status.State, 'pending');
    assert.equal(stored(store, 'g2').Status.Err, 'insufficient resources on 1 node');
  });

  test('a pending task of an older spec desired shutdown is shut down', async () => {
    const { store, scheduler } = setup();
    await seed(store, [aNode('n1', { state: 'down' })], [aTask('t1', { desired: 'shutdown' })]);
    await store.update(
      (tx) => void tx.update(services, { ...tx.get(services, 'svc')!, SpecVersion: { Index: 2 } }),
    );
    scheduler.start();
    await settle();
    const task = stored(store, 't1');
    assert.equal(task.Status.State, 'shutdown');
    assert.equal(task.Status.Err, undefined);
    assert.equal(task.NodeID, undefined);
  });

  test('stop ends watching and leaves no timer behind', async () => {
    const { store, clock, scheduler } = setup();
    await seed(store, [aNode('n1')], []);
    scheduler.start();
    await settle();
    await store.update((tx) => void tx.create(tasks, fresh(aTask('t1'))));
    await settle();
    assert.equal(clock.pending(), 1);
    await scheduler.stop();
    assert.equal(clock.pending(), 0);
    assert.equal(store.watcherCount, 0);
    clock.advance(1000);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'pending');
  });
});

describe('Scheduler: conflicts and reloads', () => {
  test('a task changed after the decision is re-read and retried later', async () => {
    let interfere = true;
    class RacingStore extends MemoryStore {
      override async batch(fn: Parameters<MemoryStore['batch']>[0]): Promise<number> {
        if (interfere) {
          interfere = false;
          await updateTask(this, 't1', (t) => ({ ...t, DesiredState: 'ready' }));
        }
        return super.batch(fn);
      }
    }
    const store = new RacingStore({ tables: clusterTables });
    const { clock, scheduler } = setup({ store });
    await seed(store, [aNode('n1')], [aTask('t1'), aTask('t2')]);
    scheduler.start();
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'pending');
    assert.equal(stored(store, 't2').Status.State, 'assigned');
    clock.advance(50);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'assigned');
    assert.equal(stored(store, 't1').DesiredState, 'ready');
  });

  test('a failed commit (sequence conflict) is re-read and retried', async () => {
    let failures = 1;
    class FailingStore extends MemoryStore {
      override async batch(fn: Parameters<MemoryStore['batch']>[0]): Promise<number> {
        if (failures-- > 0) {
          throw sequenceConflict();
        }
        return super.batch(fn);
      }
    }
    const store = new FailingStore({ tables: clusterTables });
    const { clock, scheduler } = setup({ store });
    await seed(store, [aNode('n1')], [aTask('t1')]);
    scheduler.start();
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'pending');
    clock.advance(50);
    await settle();
    assert.equal(stored(store, 't1').Status.State, 'assigned');
  });

  test('a watch that overflows is replaced by a fresh load', async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (message) => warnings.push(message),
      child: () => logger,
    };
    const { store, clock, scheduler } = setup({ watchQueueLimit: 3, logger });
    await seed(store, [aNode('n1')], []);
    scheduler.start();
    await settle();
    await store.update((tx) => {
      for (const task of someTasks('t', 10)) tx.create(tasks, fresh(task));
    });
    await settle();
    clock.advance(50);
    await settle();
    for (let i = 1; i <= 10; i++) assert.equal(stored(store, `t${i}`).Status.State, 'assigned');
    assert.equal(store.watcherCount, 1);
    // The burst of creates overflows the watch, and so does the pass's own burst of updates.
    assert.ok(warnings.length >= 1);
    assert.ok(warnings.every((w) => w === 'scheduler: watch failed; reloading from the store'));
  });
});
