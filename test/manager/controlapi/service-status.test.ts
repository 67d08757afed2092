import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceStatusOf } from '../../../src/manager/controlapi/service-status.ts';
import { createService, updateService } from '../../../src/manager/controlapi/services.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import { services, tasks } from '../../../src/store/tables.ts';
import { clusterStore, controlDeps } from '../support/control-fixtures.ts';
import { aServiceSpec, seedTasks } from '../support/service-fixtures.ts';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';

async function statusOf(
  spec: ServiceSpec,
  seed: (store: MemoryStore, id: string) => Promise<void>,
) {
  const { store } = clusterStore();
  const id = await createService(store, spec, controlDeps());
  await seed(store, id);
  return serviceStatusOf(
    store.get(services, id)!,
    store.find(tasks, { index: 'service', value: id }),
  );
}

test('replicated: desired is the replica count, running counts tasks in state running', async () => {
  const status = await statusOf(
    aServiceSpec('web', { Mode: { Replicated: { Replicas: 3 } } }),
    (store, id) =>
      seedTasks(store, id, [
        { id: 't1', slot: 1 },
        { id: 't2', slot: 2, state: 'starting' },
        { id: 't3', slot: 3, state: 'failed', desired: 'shutdown' },
        { id: 't4', slot: 3 },
      ]),
  );
  assert.deepEqual(status, { RunningTasks: 2, DesiredTasks: 3, CompletedTasks: 0 });
});

test('global: desired counts the tasks desired running', async () => {
  const status = await statusOf(aServiceSpec('agent', { Mode: { Global: {} } }), (store, id) =>
    seedTasks(store, id, [
      { id: 't1', nodeId: 'n1' },
      { id: 't2', nodeId: 'n2', state: 'pending' },
      { id: 't3', nodeId: 'n3', state: 'shutdown', desired: 'shutdown' },
    ]),
  );
  assert.deepEqual(status, { RunningTasks: 1, DesiredTasks: 2, CompletedTasks: 0 });
});

test('replicated job: desired is MaxConcurrent; only the current iteration counts', async () => {
  const spec = aServiceSpec('batch', {
    Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 4 } },
  });
  const status = await statusOf(spec, async (store, id) => {
    await seedTasks(store, id, [
      { id: 'old', slot: 0, state: 'complete', desired: 'complete', jobIteration: 0 },
    ]);
    const service = store.get(services, id)!;
    await updateService(store, id, {
      version: service.meta.version,
      spec: service.Spec,
      rollback: false,
    });
    await seedTasks(store, id, [
      { id: 'n0', slot: 0, state: 'complete', desired: 'complete', jobIteration: 1 },
      { id: 'n1', slot: 1, state: 'running', desired: 'complete', jobIteration: 1 },
      { id: 'n2', slot: 2, state: 'pending', desired: 'complete', jobIteration: 1 },
    ]);
  });
  assert.deepEqual(status, { RunningTasks: 1, DesiredTasks: 2, CompletedTasks: 1 });
});

test('global job: desired counts the tasks not yet complete', async () => {
  const status = await statusOf(aServiceSpec('once', { Mode: { GlobalJob: {} } }), (store, id) =>
    seedTasks(store, id, [
      { id: 't1', nodeId: 'n1', state: 'complete', desired: 'complete', jobIteration: 0 },
      { id: 't2', nodeId: 'n2', state: 'running', desired: 'complete', jobIteration: 0 },
    ]),
  );
  assert.deepEqual(status, { RunningTasks: 1, DesiredTasks: 1, CompletedTasks: 1 });
});
