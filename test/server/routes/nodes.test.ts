import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerNodeRoutes } from '../../../src/server/routes/nodes.ts';
import { registerSwarmRoutes } from '../../../src/server/routes/swarm.ts';
import { controlSwarmBackend } from '../support/control-swarm-backend.ts';
import type { ControlSwarmBackend } from '../support/control-swarm-backend.ts';
import { send, startTestServer } from '../support/test-server.ts';
import type { TestResponse, TestServer } from '../support/test-server.ts';

interface NodeView {
  ID: string;
  Version: { Index: number };
  Spec: { Labels?: Record<string, string>; Role?: string; Availability?: string };
  Description: { Hostname?: string };
  Status: { State: string };
  ManagerStatus?: { Leader?: boolean };
}

let t: TestServer;
let fixture: ControlSwarmBackend;

beforeEach(async () => {
  fixture = await controlSwarmBackend('managerid0000000000000001', 'alpha');
  t = await startTestServer((router) => {
    registerSwarmRoutes(router, fixture.backend);
    registerNodeRoutes(router, fixture.backend);
  });
  const res = await post('/swarm/init', {});
  assert.equal(res.status, 200, res.text);
  await fixture.addNode('workerid00000000000000001', 'beta', 'ready');
  await fixture.addNode('workerid00000000000000002', 'gamma', 'down');
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

function get(path: string): Promise<TestResponse> {
  return send(t.socketPath, { path });
}

function assertError(res: TestResponse, status: number, message: string | RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers['content-type'], 'application/json');
  const body = res.json() as { message: string };
  if (typeof message === 'string') assert.equal(body.message, message);
  else assert.match(body.message, message);
}

async function node(ref: string): Promise<NodeView> {
  const res = await get(`/nodes/${encodeURIComponent(ref)}`);
  assert.equal(res.status, 200, res.text);
  return res.json() as NodeView;
}

async function listIds(filters?: unknown): Promise<string[]> {
  const query =
    filters === undefined ? '' : `?filters=${encodeURIComponent(JSON.stringify(filters))}`;
  const res = await get(`/nodes${query}`);
  assert.equal(res.status, 200, res.text);
  return (res.json() as NodeView[]).map((n) => n.ID).sort();
}

test('GET /nodes lists every node in the Engine shape', async () => {
  const res = await get('/v1.41/nodes');
  assert.equal(res.status, 200, res.text);
  const list = res.json() as NodeView[];
  assert.equal(list.length, 3);
  const manager = list.find((n) => n.ID === 'managerid0000000000000001');
  assert.equal(manager?.Spec.Role, 'manager');
  assert.equal(manager?.ManagerStatus?.Leader, true);
  assert.equal(manager?.Description.Hostname, 'alpha');
  assert.ok(!('Role' in (manager ?? {})), 'the internal Role field is not on the wire');
});

test('GET /nodes filters by role, name, id and both filter shapes the clients send', async () => {
  assert.deepEqual(await listIds({ role: ['manager'] }), ['managerid0000000000000001']);
  assert.deepEqual(await listIds({ role: { worker: true } }), [
    'workerid00000000000000001',
    'workerid00000000000000002',
  ]);
  assert.deepEqual(await listIds({ name: ['gam'] }), ['workerid00000000000000002']);
  assert.deepEqual(await listIds({ id: ['workerid00000000000000001'] }), [
    'workerid00000000000000001',
  ]);
  assert.deepEqual(await listIds({ membership: ['pending'] }), []);
});

test('GET /nodes refuses unknown filter keys, bad values and malformed filters', async () => {
  const q = (raw: string) => get(`/nodes?filters=${encodeURIComponent(raw)}`);
  assertError(await q('{"colour":["red"]}'), 400, "invalid filter 'colour'");
  assertError(await q('{"role":["boss"]}'), 400, "Invalid role filter: 'boss'");
  assertError(await q('not json'), 400, 'invalid filter');
});

test('GET /nodes/{id} resolves ID, hostname and unique prefix; 404 and 400 otherwise', async () => {
  assert.equal((await node('workerid00000000000000001')).ID, 'workerid00000000000000001');
  assert.equal((await node('beta')).ID, 'workerid00000000000000001');
  assert.equal((await node('managerid')).ID, 'managerid0000000000000001');
  assertError(await get('/nodes/nosuchnode'), 404, /nosuchnode/);
  assertError(await get('/nodes/workerid'), 400, /ambiguous/);
});

test('update replaces the spec at ?version= and bumps the version', async () => {
  const before = await node('beta');
  const spec = { ...before.Spec, Labels: { a: 'b' }, Availability: 'drain' };
  const res = await post(`/nodes/${before.ID}/update?version=${before.Version.Index}`, spec);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, '');
  const after = await node('beta');
  assert.deepEqual(after.Spec.Labels, { a: 'b' });
  assert.equal(after.Spec.Availability, 'drain');
  assert.ok(after.Version.Index > before.Version.Index);
  assertError(
    await post(`/nodes/${before.ID}/update?version=${before.Version.Index}`, spec),
    500,
    /update out of sequence/,
  );
});

test('update checks ?version= in Docker words, the body and the spec', async () => {
  const { ID, Version, Spec } = await node('beta');
  assertError(
    await post(`/nodes/${ID}/update`, Spec),
    400,
    `invalid node version '': strconv.ParseUint: parsing "": invalid syntax`,
  );
  assertError(
    await post(`/nodes/${ID}/update?version=-1`, Spec),
    400,
    `invalid node version '-1': strconv.ParseUint: parsing "-1": invalid syntax`,
  );
  const at = `/nodes/${ID}/update?version=${Version.Index}`;
  assertError(await post(at), 400, 'invalid JSON: got EOF while reading request body');
  assertError(
    await post(at, 'worker'),
    400,
    'invalid JSON: json: cannot unmarshal string into Go value of type swarm.NodeSpec',
  );
  assertError(await post(at, { ...Spec, Role: 'boss' }), 400, 'invalid Role: "boss"');
  assertError(
    await post(at, { ...Spec, Availability: 'away' }),
    400,
    'invalid Availability: "away"',
  );
  assertError(await post('/nodes/nosuch/update?version=1', Spec), 404, /nosuch/);
});

test('promote then demote go through; demoting the last manager is a 400', async () => {
  const worker = await node('beta');
  const promote = await post(`/nodes/${worker.ID}/update?version=${worker.Version.Index}`, {
    ...worker.Spec,
    Role: 'manager',
  });
  assert.equal(promote.status, 200, promote.text);
  const promoted = await node('beta');
  assert.equal(promoted.Spec.Role, 'manager');
  const demote = await post(`/nodes/${promoted.ID}/update?version=${promoted.Version.Index}`, {
    ...promoted.Spec,
    Role: 'worker',
  });
  assert.equal(demote.status, 200, demote.text);
  const manager = await node('alpha');
  assertError(
    await post(`/nodes/${manager.ID}/update?version=${manager.Version.Index}`, {
      ...manager.Spec,
      Role: 'worker',
    }),
    400,
    'attempting to demote the last manager of the swarm',
  );
});

test('DELETE /nodes/{id}: a ready node needs force, a down one goes, a manager never', async () => {
  const del = (path: string) => send(t.socketPath, { method: 'DELETE', path });
  assertError(
    await del('/nodes/beta'),
    400,
    "node workerid00000000000000001 is not down and can't be removed",
  );
  const down = await del('/nodes/gamma');
  assert.equal(down.status, 200, down.text);
  assert.equal(down.text, '');
  const forced = await del('/nodes/beta?force=true');
  assert.equal(forced.status, 200, forced.text);
  assertError(await del('/nodes/alpha?force=1'), 400, /must be demoted to worker before removal/);
  assertError(await del('/nodes/beta'), 404, /beta/);
  assert.deepEqual(await listIds(), ['managerid0000000000000001']);
});

test('node routes answer 503 off a manager', async () => {
  const left = await post('/swarm/leave?force=true');
  assert.equal(left.status, 200, left.text);
  assertError(await get('/nodes'), 503, /not a swarm manager/);
  assertError(await get('/nodes/alpha'), 503, /not a swarm manager/);
});
