import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';
import { ShoalError } from '../../../src/base/errors.ts';
import { registerServiceRoutes } from '../../../src/server/routes/services.ts';
import { registerTaskRoutes } from '../../../src/server/routes/tasks.ts';
import { services } from '../../../src/store/tables.ts';
import { controlServiceBackend } from '../support/control-service-backend.ts';
import type { ControlServiceBackend } from '../support/control-service-backend.ts';
import { send, startTestServer } from '../support/test-server.ts';
import type { TestResponse, TestServer } from '../support/test-server.ts';

interface ServiceView {
  ID: string;
  Version: { Index: number };
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  Endpoint: unknown;
  UpdateStatus?: { State: string; Message: string };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number; CompletedTasks: number };
  SpecVersion?: unknown;
}

let t: TestServer;
let fixture: ControlServiceBackend;

beforeEach(async () => {
  fixture = controlServiceBackend();
  t = await startTestServer((router) => {
    registerServiceRoutes(router, fixture.backend);
    registerTaskRoutes(router, fixture.backend);
  });
});
afterEach(async () => {
  await t.close();
});

function post(path: string, body?: unknown): Promise<TestResponse> {
  return send(t.socketPath, {
    method: 'POST',
    path,
    ...(body === undefined
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

const get = (path: string) => send(t.socketPath, { path });

function assertError(res: TestResponse, status: number, message: string | RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers['content-type'], 'application/json');
  const body = res.json() as { message: string };
  if (typeof message === 'string') assert.equal(body.message, message);
  else assert.match(body.message, message);
}

const webSpec: ServiceSpec = {
  Name: 'web',
  TaskTemplate: { ContainerSpec: { Image: 'busybox:1.36' } },
  Mode: { Replicated: { Replicas: 2 } },
};

async function create(spec: ServiceSpec = webSpec): Promise<string> {
  const res = await post('/v1.41/services/create', spec);
  assert.equal(res.status, 201, res.text);
  return (res.json() as { ID: string }).ID;
}

async function inspect(ref: string, query = ''): Promise<ServiceView> {
  const res = await get(`/v1.41/services/${ref}${query}`);
  assert.equal(res.status, 200, res.text);
  return res.json() as ServiceView;
}

test('create answers 201 {ID, Warnings: null}; inspect shows the Engine shape', async () => {
  const res = await post('/v1.41/services/create', webSpec);
  assert.equal(res.status, 201, res.text);
  const body = res.json() as { ID: string; Warnings: null };
  assert.deepEqual(Object.keys(body), ['ID', 'Warnings']);
  assert.equal(body.Warnings, null);
  const service = await inspect('web');
  assert.equal(service.ID, body.ID);
  assert.deepEqual(service.Endpoint, { Spec: {} });
  assert.equal(service.SpecVersion, undefined);
  assert.equal(service.Spec.TaskTemplate?.ContainerSpec?.Image, 'busybox:1.36');
  assert.equal(service.Spec.TaskTemplate?.RestartPolicy, undefined);
  const defaults = await inspect('web', '?insertDefaults=true');
  assert.equal(defaults.Spec.TaskTemplate?.RestartPolicy?.Condition, 'any');
  assertError(
    await get('/services/web?insertDefaults=maybe'),
    400,
    'invalid value for insertDefaults: maybe',
  );
});

test('create refuses a taken name with 409 and an invalid spec with 400', async () => {
  await create();
  assertError(
    await post('/services/create', { ...webSpec, Name: 'Web' }),
    409,
    'name conflicts with an existing object: service Web already exists',
  );
  const empty = await post('/services/create', { Name: 'x', TaskTemplate: {} });
  assert.equal(empty.status, 400, empty.text);
  assertError(
    await send(t.socketPath, {
      method: 'POST',
      path: '/services/create',
      headers: { 'Content-Type': 'application/json' },
      body: '[1]',
    }),
    400,
    'invalid JSON: json: cannot unmarshal array into Go value of type swarm.ServiceSpec',
  );
});

test('GET /services filters, and status=true adds the task counts from API 1.41', async () => {
  const id = await create();
  await create({ ...webSpec, Name: 'agent', Mode: { Global: {} } });
  const list = async (path: string) => {
    const res = await get(path);
    assert.equal(res.status, 200, res.text);
    return res.json() as ServiceView[];
  };
  const all = await list('/v1.41/services');
  assert.equal(all.length, 2);
  assert.ok(all.every((s) => s.ServiceStatus === undefined));
  const query = encodeURIComponent(JSON.stringify({ mode: ['replicated'] }));
  const withStatus = await list(`/v1.41/services?filters=${query}&status=true`);
  assert.equal(withStatus.length, 1);
  assert.equal(withStatus[0]?.ID, id);
  assert.deepEqual(withStatus[0]?.ServiceStatus, {
    RunningTasks: 0,
    DesiredTasks: 2,
    CompletedTasks: 0,
  });
  // Clients below 1.41 never get the counts, as in the Engine.
  const old = await list('/v1.40/services?status=true');
  assert.ok(old.every((s) => s.ServiceStatus === undefined));
  assertError(await get('/services?status=yes'), 400, 'invalid value for status: yes');
  assertError(
    await get(`/services?filters=${encodeURIComponent('{"bogus":["x"]}')}`),
    400,
    "invalid filter 'bogus'",
  );
});

test('update: version required, stale is 500, new spec kept with PreviousSpec', async () => {
  const id = await create();
  const { Version } = await inspect(id);
  assertError(
    await post(`/services/${id}/update`, webSpec),
    400,
    `invalid service version '': strconv.ParseUint: parsing "": invalid syntax`,
  );
  const next = {
    ...webSpec,
    TaskTemplate: { ContainerSpec: { Image: 'nginx' } },
  } satisfies ServiceSpec;
  const res = await post(`/v1.41/services/web/update?version=${Version.Index}`, next);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json(), { Warnings: null });
  const updated = await inspect(id);
  assert.equal(updated.Spec.TaskTemplate?.ContainerSpec?.Image, 'nginx');
  assert.equal(updated.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image, 'busybox:1.36');
  assertError(
    await post(`/services/web/update?version=${Version.Index}`, next),
    500,
    'update out of sequence',
  );
});

test('update: mode change and rename are 501; unknown options are 500 as in Engine 20.10', async () => {
  const id = await create();
  const version = fixture.store.get(services, id)!.meta.version;
  assertError(
    await post(`/services/${id}/update?version=${version}`, { ...webSpec, Mode: { Global: {} } }),
    501,
    'service mode change is not allowed',
  );
  assertError(
    await post(`/services/${id}/update?version=${version}`, { ...webSpec, Name: 'other' }),
    501,
    'renaming services is not supported',
  );
  assertError(
    await post(`/services/${id}/update?version=${version}&rollback=later`, webSpec),
    500,
    'unrecognized rollback option later',
  );
  assertError(
    await post(`/services/${id}/update?version=${version}&registryAuthFrom=nowhere`, webSpec),
    500,
    'unsupported registryAuthFrom value',
  );
  assertError(
    await post(`/services/nope/update?version=${version}`, webSpec),
    404,
    'service nope not found',
  );
});

test('rollback=previous: 400 without a previous spec, else the spec swaps back', async () => {
  const id = await create();
  let service = await inspect(id);
  assertError(
    await post(
      `/services/${id}/update?version=${service.Version.Index}&rollback=previous`,
      webSpec,
    ),
    400,
    `service ${id} does not have a previous spec`,
  );
  const next = { ...webSpec, TaskTemplate: { ContainerSpec: { Image: 'nginx' } } };
  await post(`/services/${id}/update?version=${service.Version.Index}`, next);
  service = await inspect(id);
  // The docker CLI sends the current spec with rollback=previous.
  const res = await post(
    `/services/${id}/update?version=${service.Version.Index}&rollback=previous`,
    service.Spec,
  );
  assert.equal(res.status, 200, res.text);
  service = await inspect(id);
  assert.equal(service.Spec.TaskTemplate?.ContainerSpec?.Image, 'busybox:1.36');
  assert.equal(service.UpdateStatus?.State, 'rollback_started');
  assert.equal(service.UpdateStatus?.Message, 'manually requested rollback');
});

test('DELETE removes the service (200, empty), then 404s', async () => {
  await create();
  const res = await send(t.socketPath, { method: 'DELETE', path: '/v1.41/services/web' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, '');
  assertError(
    await send(t.socketPath, { method: 'DELETE', path: '/services/web' }),
    404,
    'service web not found',
  );
});

test('off a manager every call is the accessor 503; writes without a leader are 503', async () => {
  await create();
  fixture.leader = 0;
  assertError(
    await post('/services/create', { ...webSpec, Name: 'api' }),
    503,
    /The swarm does not have a leader/,
  );
  // Reads are served from the local store without a leader.
  assert.equal((await get('/services')).status, 200);
  fixture.offManager = new ShoalError('SWARM_NOT_MANAGER', 'This node is not a swarm manager.', {
    status: 503,
  });
  assertError(await get('/services'), 503, 'This node is not a swarm manager.');
  assertError(await get('/tasks'), 503, 'This node is not a swarm manager.');
});
