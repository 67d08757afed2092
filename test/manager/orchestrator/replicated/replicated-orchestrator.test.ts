import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../../../../src/api/objects/service.ts';
import type { Task } from '../../../../src/api/objects/task.ts';
import { ReplicatedOrchestrator } from '../../../../src/manager/orchestrator/replicated/replicated-orchestrator.ts';
import { nodes, services, tasks } from '../../../../src/store/tables.ts';
import {
  aNode,
  aService,
  aTask,
  NoopUpdater,
  seededBytes,
  settle,
  testStore,
} from '../fixtures.ts';

function setup() {
  const { store, clock } = testStore();
  const updater = new NoopUpdater();
  const orchestrator = new ReplicatedOrchestrator(store, {
    clock,
    randomBytes: seededBytes(),
    updater,
  });
  return { store, clock, updater, orchestrator };
}

const liveTasks = (all: Task[]) =>
  all.filter((t) => t.DesiredState === 'running' || t.DesiredState === 'ready');

test('creates the slots of a new service, follows scaling, and hands slots to the updater', async () => {
  const { store, updater, orchestrator } = setup();
  orchestrator.start();
  await store.update((tx) => {
    tx.create(nodes, aNode('n1'));
    tx.create(services, aService('s', { mode: { Replicated: { Replicas: 3 } } }));
  });
  await settle(orchestrator);
  assert.deepEqual(
    store
      .all(tasks)
      .map((t) => t.Slot)
      .sort(),
    [1, 2, 3],
  );
  assert.ok(updater.calls.some((c) => c.serviceId === 's' && c.slots === 3));
  const service = store.get(services, 's')!;
  await store.update((tx) => {
    tx.update(services, {
      ...service,
      Spec: { ...service.Spec, Mode: { Replicated: { Replicas: 1 } } },
    } satisfies Service);
  });
  await settle(orchestrator);
  assert.deepEqual(
    liveTasks(store.all(tasks)).map((t) => t.Slot),
    [1],
  );
  assert.equal(store.all(tasks).filter((t) => t.DesiredState === 'remove').length, 2);
  await orchestrator.stop();
  assert.equal(store.watcherCount, 0);
});

test('a new leader converges from the store: dead tasks restarted after the delay', async () => {
  const { store, clock, orchestrator } = setup();
  const s = aService('s');
  await store.update((tx) => {
    tx.create(nodes, aNode('n1'));
    tx.create(services, s);
    tx.create(tasks, aTask('dead', s, { NodeID: 'n1', state: 'failed' }));
  });
  orchestrator.start();
  await settle(orchestrator);
  const replacement = store.all(tasks).find((t) => t.id !== 'dead')!;
  assert.equal(replacement.DesiredState, 'ready');
  assert.equal(store.get(tasks, 'dead')?.DesiredState, 'shutdown');
  clock.advance(4999);
  await settle(orchestrator);
  assert.equal(store.get(tasks, replacement.id)?.DesiredState, 'ready');
  clock.advance(1);
  await settle(orchestrator);
  assert.equal(store.get(tasks, replacement.id)?.DesiredState, 'running');
  await orchestrator.stop();
});

test('tasks of a deleted service are desired remove; the updater is told to cancel', async () => {
  const { store, updater, orchestrator } = setup();
  const s = aService('s');
  await store.update((tx) => {
    tx.create(nodes, aNode('n1'));
    tx.create(services, s);
    tx.create(tasks, aTask('t', s, { NodeID: 'n1' }));
  });
  orchestrator.start();
  await settle(orchestrator);
  await store.update((tx) => tx.delete(services, 's'));
  await settle(orchestrator);
  assert.equal(store.get(tasks, 't')?.DesiredState, 'remove');
  assert.deepEqual(updater.cancelled, ['s']);
  await orchestrator.stop();
});
