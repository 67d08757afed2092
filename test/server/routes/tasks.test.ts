import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineTask } from '../../../src/api/objects/task.ts';
import { createService, updateService } from '../../../src/manager/controlapi/services.ts';
import { registerTaskRoutes } from '../../../src/server/routes/tasks.ts';
import { services } from '../../../src/store/tables.ts';
import { controlDeps } from '../../manager/support/control-fixtures.ts';
import { aServiceSpec, seedNode, seedTasks } from '../../manager/support/service-fixtures.ts';
import { controlServiceBackend } from '../support/control-service-backend.ts';
import type { ControlServiceBackend } from '../support/control-service-backend.ts';
import { send, startTestServer } from '../support/test-server.ts';
import type { TestResponse, TestServer } from '../support/test-server.ts';

let t: TestServer;
let fixture: ControlServiceBackend;
let web: string;

beforeEach(async () => {
  fixture = controlServiceBackend();
  t = await startTestServer((router) => registerTaskRoutes(router, fixture.backend));
  await seedNode(fixture.store, 'nodealpha0000000000000001', 'alpha');
  web = await createService(fixture.store, aServiceSpec('web'), controlDeps());
  await seedTasks(fixture.store, web, [
    { id: 'task00000000000000000001a', slot: 1, nodeId: 'nodealpha0000000000000001' },
    { id: 'task00000000000000000002b', slot: 2, state: 'pending' },
  ]);
});
afterEach(async () => {
  await t.close();
});

const get = (path: string) => send(t.socketPath, { path });

function assertError(res: TestResponse, status: number, message: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal((res.json() as { message: string }).message, message);
}

async function list(filters: unknown): Promise<EngineTask[]> {
  const res = await get(`/v1.41/tasks?filters=${encodeURIComponent(JSON.stringify(filters))}`);
  assert.equal(res.status, 200, res.text);
  return res.json() as EngineTask[];
}

test('GET /tasks lists in the Engine shape, filtered the way the docker CLI asks', async () => {
  const all = await list({});
  assert.deepEqual(
    all.map((task) => task.ID),
    ['task00000000000000000001a', 'task00000000000000000002b'],
  );
  const first = all[0]!;
  assert.equal(first.ServiceID, web);
  assert.equal(first.Slot, 1);
  assert.equal(first.NodeID, 'nodealpha0000000000000001');
  assert.equal(first.DesiredState, 'running');
  assert.deepEqual(first.Labels, {});
  assert.ok(!('SpecVersion' in first) && !('ServiceAnnotations' in first));
  // `service ps web --filter node=alpha`, in the CLI's map-of-booleans form.
  const onAlpha = await list({ service: { web: true }, node: { alpha: true } });
  assert.deepEqual(
    onAlpha.map((task) => task.ID),
    ['task00000000000000000001a'],
  );
});

test('_up-to-date (the CLI progress filter) drops tasks of an older spec', async () => {
  const progress = { service: { [web]: true }, '_up-to-date': { true: true } };
  assert.equal((await list(progress)).length, 2);
  const service = fixture.store.get(services, web)!;
  await updateService(fixture.store, web, {
    version: service.meta.version,
    spec: aServiceSpec('web', { TaskTemplate: { ContainerSpec: { Image: 'nginx' } } }),
    rollback: false,
  });
  assert.equal((await list(progress)).length, 0);
  await seedTasks(fixture.store, web, [{ id: 'task00000000000000000003c', slot: 1 }]);
  assert.deepEqual(
    (await list(progress)).map((task) => task.ID),
    ['task00000000000000000003c'],
  );
});

test('bad filters and unknown services are Docker 400 and 404', async () => {
  assertError(
    await get(`/tasks?filters=${encodeURIComponent('{"desired-state":["sleepy"]}')}`),
    400,
    "Invalid desired-state filter: 'sleepy'",
  );
  assertError(
    await get(`/tasks?filters=${encodeURIComponent('{"nope":["x"]}')}`),
    400,
    "invalid filter 'nope'",
  );
  assertError(
    await get(`/tasks?filters=${encodeURIComponent('{"service":["db"]}')}`),
    404,
    'service db not found',
  );
});

test('GET /tasks/{id} by ID, name and prefix; 404 and ambiguous 400', async () => {
  const byName = await get('/v1.41/tasks/web.2.task00000000000000000002b');
  assert.equal(byName.status, 200, byName.text);
  assert.equal((byName.json() as EngineTask).ID, 'task00000000000000000002b');
  const byPrefix = await get('/tasks/task00000000000000000001');
  assert.equal((byPrefix.json() as EngineTask).ID, 'task00000000000000000001a');
  assertError(await get('/tasks/zzz'), 404, 'task zzz not found');
  assertError(await get('/tasks/task'), 400, 'task task is ambiguous (2 matches found)');
});
