import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters } from '../../../src/api/filters.ts';
import { TASK_FILTER_KEYS } from '../../../src/api/object-filters.ts';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';
import {
  createService,
  removeService,
  updateService,
} from '../../../src/manager/controlapi/services.ts';
import { getTask, listTasks } from '../../../src/manager/controlapi/tasks.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import { services } from '../../../src/store/tables.ts';
import { clusterStore, controlDeps, rejection } from '../support/control-fixtures.ts';
import { aServiceSpec, seedNode, seedTasks } from '../support/service-fixtures.ts';

const filters = (value: Record<string, string[]>) =>
  parseFilters(JSON.stringify(value), TASK_FILTER_KEYS);

/** web (2 replicas, label tier=front) and db (1 replica), on nodes alpha and beta. */
async function populated(): Promise<{ store: MemoryStore; web: string; db: string }> {
  const { store } = clusterStore();
  await seedNode(store, 'nodealpha0000000000000001', 'alpha', { disk: 'ssd' });
  await seedNode(store, 'nodebeta00000000000000002', 'beta');
  const web = await createService(
    store,
    aServiceSpec('web', { Labels: { tier: 'front' } }),
    controlDeps(1),
  );
  const db = await createService(store, aServiceSpec('db'), controlDeps(2));
  await seedTasks(store, web, [
    { id: 'aaaa1', slot: 1, nodeId: 'nodealpha0000000000000001' },
    { id: 'aaaa2', slot: 2, nodeId: 'nodebeta00000000000000002', state: 'pending' },
    { id: 'bbbb1', slot: 1, nodeId: 'nodealpha0000000000000001', desired: 'shutdown' },
  ]);
  await seedTasks(store, db, [{ id: 'cccc1', slot: 1, nodeId: 'nodebeta00000000000000002' }]);
  return { store, web, db };
}

const ids = (store: MemoryStore, value: Record<string, string[]>) =>
  listTasks(store, filters(value)).map((t) => t.id);

test('lists every task sorted by ID, and filters by id and name prefix', async () => {
  const { store } = await populated();
  assert.deepEqual(ids(store, {}), ['aaaa1', 'aaaa2', 'bbbb1', 'cccc1']);
  assert.deepEqual(ids(store, { id: ['aaaa'] }), ['aaaa1', 'aaaa2']);
  assert.deepEqual(ids(store, { name: ['web.1'] }), ['aaaa1', 'bbbb1']);
  assert.deepEqual(ids(store, { name: ['web.2.aaaa2'] }), ['aaaa2']);
  assert.deepEqual(ids(store, { name: ['db'] }), ['cccc1']);
});

test('service and node filters take IDs, names and hostnames', async () => {
  const { store, web } = await populated();
  assert.deepEqual(ids(store, { service: ['db'] }), ['cccc1']);
  assert.deepEqual(ids(store, { service: [web] }), ['aaaa1', 'aaaa2', 'bbbb1']);
  assert.deepEqual(ids(store, { service: [web.slice(0, 4)] }), ['aaaa1', 'aaaa2', 'bbbb1']);
  assert.deepEqual(ids(store, { node: ['beta'] }), ['aaaa2', 'cccc1']);
  assert.deepEqual(ids(store, { node: ['beta'], service: ['web'] }), ['aaaa2']);
  const missing = await rejection(
    Promise.resolve().then(() => listTasks(store, filters({ service: ['nope'] }))),
  );
  assert.deepEqual(missing, { code: 'SERVICE_NOT_FOUND', message: 'service nope not found' });
  const node = await rejection(
    Promise.resolve().then(() => listTasks(store, filters({ node: ['gamma'] }))),
  );
  assert.deepEqual(node, { code: 'NODE_NOT_FOUND', message: 'node gamma not found' });
});

test('label and desired-state filters; an unknown state is Docker 400', async () => {
  const { store } = await populated();
  assert.deepEqual(ids(store, { label: ['tier=front'] }), ['aaaa1', 'aaaa2', 'bbbb1']);
  assert.deepEqual(ids(store, { label: ['tier=back'] }), []);
  assert.deepEqual(ids(store, { 'desired-state': ['running'] }), ['aaaa1', 'aaaa2', 'cccc1']);
  assert.deepEqual(ids(store, { 'desired-state': ['shutdown', 'accepted'] }), ['bbbb1']);
  const err = await rejection(
    Promise.resolve().then(() => listTasks(store, filters({ 'desired-state': ['bogus'] }))),
  );
  assert.deepEqual(err, {
    code: 'FILTER_INVALID',
    message: "Invalid desired-state filter: 'bogus'",
  });
});

async function update(store: MemoryStore, id: string, change: Partial<ServiceSpec>) {
  const service = store.get(services, id)!;
  await updateService(store, id, {
    version: service.meta.version,
    spec: { ...service.Spec, ...change },
    rollback: false,
  });
}

test('_up-to-date keeps the tasks made from the current spec', async () => {
  const { store, web } = await populated();
  const upToDate = { service: ['web'], '_up-to-date': ['true'] };
  assert.deepEqual(ids(store, upToDate), ['aaaa1', 'aaaa2', 'bbbb1']);
  // A replica change alone leaves the tasks up to date (Mode is not in the task spec).
  await update(store, web, { Mode: { Replicated: { Replicas: 5 } } });
  assert.deepEqual(ids(store, upToDate), ['aaaa1', 'aaaa2', 'bbbb1']);
  // A new image makes every existing task stale; tasks of the new spec are up to date.
  await update(store, web, { TaskTemplate: { ContainerSpec: { Image: 'nginx' } } });
  assert.deepEqual(ids(store, upToDate), []);
  await seedTasks(store, web, [{ id: 'dddd1', slot: 1, nodeId: 'nodealpha0000000000000001' }]);
  assert.deepEqual(ids(store, upToDate), ['dddd1']);
  assert.deepEqual(ids(store, { 'desired-state': ['running'], '_up-to-date': ['1'] }), [
    'cccc1',
    'dddd1',
  ]);
});

test('_up-to-date ignores a placement change the task node still meets', async () => {
  const { store, web } = await populated();
  const template = store.get(services, web)!.Spec.TaskTemplate ?? {};
  const constrained = (constraint: string) => ({
    TaskTemplate: { ...template, Placement: { Constraints: [constraint] } },
  });
  await update(store, web, constrained('node.labels.disk==ssd'));
  // aaaa1 and bbbb1 run on alpha (disk=ssd); aaaa2 on beta, which does not match.
  assert.deepEqual(ids(store, { service: ['web'], '_up-to-date': ['true'] }), ['aaaa1', 'bbbb1']);
  await update(store, web, constrained('node.hostname!=alpha'));
  assert.deepEqual(ids(store, { service: ['web'], '_up-to-date': ['true'] }), ['aaaa2']);
});

test('_up-to-date drops the tasks of a removed service', async () => {
  const { store, web } = await populated();
  await removeService(store, web);
  assert.deepEqual(ids(store, { '_up-to-date': ['true'] }), ['cccc1']);
  assert.deepEqual(ids(store, {}), ['aaaa1', 'aaaa2', 'bbbb1', 'cccc1']);
});

test('get resolves an ID, a full task name, then a unique prefix', async () => {
  const { store } = await populated();
  assert.equal(getTask(store, 'aaaa2').id, 'aaaa2');
  assert.equal(getTask(store, 'db.1.cccc1').id, 'cccc1');
  assert.equal(getTask(store, 'bb').id, 'bbbb1');
  const ambiguous = await rejection(Promise.resolve().then(() => getTask(store, 'aaaa')));
  assert.deepEqual(ambiguous, {
    code: 'REFERENCE_AMBIGUOUS',
    message: 'task aaaa is ambiguous (2 matches found)',
  });
  const missing = await rejection(Promise.resolve().then(() => getTask(store, 'zz')));
  assert.deepEqual(missing, { code: 'TASK_NOT_FOUND', message: 'task zz not found' });
});
