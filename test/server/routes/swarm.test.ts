import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSwarmRoutes } from '../../../src/server/routes/swarm.ts';
import { controlSwarmBackend } from '../support/control-swarm-backend.ts';
import type { ControlSwarmBackend } from '../support/control-swarm-backend.ts';
import { send, startTestServer } from '../support/test-server.ts';
import type { TestResponse, TestServer } from '../support/test-server.ts';

interface SwarmView {
  Version: { Index: number };
  Spec: { Orchestration?: { TaskHistoryRetentionLimit?: number }; Labels?: object };
  JoinTokens: { Worker: string; Manager: string };
}

let t: TestServer;
let fixture: ControlSwarmBackend;

beforeEach(async () => {
  fixture = await controlSwarmBackend();
  t = await startTestServer((router) => registerSwarmRoutes(router, fixture.backend));
});
afterEach(async () => {
  await t.close();
});

const json = { 'Content-Type': 'application/json' };

function post(path: string, body?: unknown): Promise<TestResponse> {
  return send(t.socketPath, {
    method: 'POST',
    path,
    ...(body === undefined ? {} : { headers: json, body: JSON.stringify(body) }),
  });
}

function assertError(res: TestResponse, status: number, message: string | RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers['content-type'], 'application/json');
  const body = res.json() as { message: string };
  if (typeof message === 'string') assert.equal(body.message, message);
  else assert.match(body.message, message);
}

async function init(): Promise<void> {
  const res = await post('/swarm/init', { ListenAddr: '0.0.0.0:2377' });
  assert.equal(res.status, 200, res.text);
}

async function swarm(): Promise<SwarmView> {
  const res = await send(t.socketPath, { path: '/swarm' });
  assert.equal(res.status, 200, res.text);
  return res.json() as SwarmView;
}

test('init answers the node ID as a JSON string, and a second init is a 503', async () => {
  const res = await post('/v1.41/swarm/init', { ListenAddr: '0.0.0.0:2377', Spec: {} });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.text, `"${fixture.nodeId}"\n`);
  assert.equal(fixture.state(), 'manager');
  assertError(await post('/swarm/init', {}), 503, /already part of a swarm/);
});

test('init refuses an empty body, a non-object body and an invalid spec', async () => {
  assertError(await post('/swarm/init'), 400, 'invalid JSON: got EOF while reading request body');
  assertError(
    await post('/swarm/init', ['x']),
    400,
    'invalid JSON: json: cannot unmarshal array into Go value of type types.InitRequest',
  );
  assertError(
    await post('/swarm/init', { Spec: { Name: 'other' } }),
    400,
    'swarm spec must be named "default"',
  );
  assertError(
    await post('/swarm/init', { DataPathPort: 80 }),
    400,
    'Datapath port number is not in valid range (1024-49151) : 80',
  );
  assertError(await post('/swarm/init', { DefaultAddrPool: 'x' }), 400, /list of strings/);
  assert.equal(fixture.state(), 'inactive');
});

test('GET /swarm answers the cluster with its join tokens; outside a swarm it is a 503', async () => {
  assertError(await send(t.socketPath, { path: '/swarm' }), 503, /not a swarm manager/);
  await init();
  const view = await swarm();
  assert.match(view.JoinTokens.Worker, /^SWMTKN-1-/);
  assert.match(view.JoinTokens.Manager, /^SWMTKN-1-/);
  assert.equal(view.Spec.Orchestration?.TaskHistoryRetentionLimit, 5);
});

test('update replaces the spec at the given version and rotates tokens on request', async () => {
  await init();
  const before = await swarm();
  const spec = { ...before.Spec, Orchestration: { TaskHistoryRetentionLimit: 3 } };
  const path = `/swarm/update?version=${before.Version.Index}&rotateWorkerToken=true&rotateManagerToken=false&rotateManagerUnlockKey=false`;
  const res = await post(path, spec);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, '');
  const after = await swarm();
  assert.equal(after.Spec.Orchestration?.TaskHistoryRetentionLimit, 3);
  assert.notEqual(after.JoinTokens.Worker, before.JoinTokens.Worker);
  assert.equal(after.JoinTokens.Manager, before.JoinTokens.Manager);
  assert.ok(after.Version.Index > before.Version.Index);
});

test('update checks ?version=, the rotation flags and the spec', async () => {
  await init();
  const { Version, Spec } = await swarm();
  assertError(
    await post('/swarm/update', Spec),
    400,
    `invalid swarm version '': strconv.ParseUint: parsing "": invalid syntax`,
  );
  assertError(
    await post('/swarm/update?version=abc', Spec),
    400,
    `invalid swarm version 'abc': strconv.ParseUint: parsing "abc": invalid syntax`,
  );
  assertError(
    await post(`/swarm/update?version=${Version.Index}&rotateWorkerToken=yes`, Spec),
    400,
    'invalid value for rotateWorkerToken: yes',
  );
  assertError(
    await post(`/swarm/update?version=${Version.Index}`, { ...Spec, Name: 'x' }),
    400,
    'swarm spec must be named "default"',
  );
  assertError(
    await post(`/swarm/update?version=${Version.Index}`),
    400,
    'invalid JSON: got EOF while reading request body',
  );
  const ok = await post(`/swarm/update?version=${Version.Index}`, Spec);
  assert.equal(ok.status, 200, ok.text);
  assertError(
    await post(`/swarm/update?version=${Version.Index}`, Spec),
    500,
    /update out of sequence/,
  );
});

test('unlockkey is empty without autolock and set with it', async () => {
  await init();
  const off = await send(t.socketPath, { path: '/swarm/unlockkey' });
  assert.equal(off.status, 200);
  assert.deepEqual(off.json(), { UnlockKey: '' });
  const { Version, Spec } = await swarm();
  const res = await post(`/swarm/update?version=${Version.Index}`, {
    ...Spec,
    EncryptionConfig: { AutoLockManagers: true },
  });
  assert.equal(res.status, 200, res.text);
  const on = await send(t.socketPath, { path: '/swarm/unlockkey' });
  assert.match((on.json() as { UnlockKey: string }).UnlockKey, /^SWMKEY-1-/);
});

test('unlock: 409 when not locked, 401 for a wrong key, 200 with the key', async () => {
  await init();
  const { Version, Spec } = await swarm();
  await post(`/swarm/update?version=${Version.Index}`, {
    ...Spec,
    EncryptionConfig: { AutoLockManagers: true },
  });
  const key = (
    (await send(t.socketPath, { path: '/swarm/unlockkey' })).json() as { UnlockKey: string }
  ).UnlockKey;
  assertError(await post('/swarm/unlock', { UnlockKey: key }), 409, 'swarm is not locked');
  fixture.lock();
  assertError(await send(t.socketPath, { path: '/swarm' }), 503, /needs to be unlocked/);
  assertError(
    await post('/swarm/unlock', { UnlockKey: 'SWMKEY-1-wrong' }),
    401,
    'swarm could not be unlocked: invalid key provided',
  );
  assertError(await post('/swarm/unlock', { UnlockKey: 7 }), 400, /UnlockKey must be a string/);
  const res = await post('/swarm/unlock', { UnlockKey: key });
  assert.equal(res.status, 200, res.text);
  assert.equal(fixture.state(), 'manager');
});

test('join needs a remote address, then answers 200 with no body', async () => {
  assertError(
    await post('/swarm/join', { JoinToken: 'SWMTKN-1-x' }),
    400,
    'at least 1 RemoteAddr is required to join',
  );
  const res = await post('/swarm/join', {
    RemoteAddrs: ['10.0.0.1:2377'],
    JoinToken: 'SWMTKN-1-x',
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, '');
  assert.equal(fixture.state(), 'worker');
  assertError(await send(t.socketPath, { path: '/swarm' }), 503, /Worker nodes can't be used/);
  assertError(
    await post('/swarm/join', { RemoteAddrs: ['10.0.0.1:2377'], JoinToken: 'SWMTKN-1-x' }),
    503,
    /already part of a swarm/,
  );
});

test('leave: a manager needs force (the Engine loose bool); outside a swarm it is a 503', async () => {
  assertError(await post('/swarm/leave'), 503, 'This node is not part of a swarm');
  await init();
  assertError(await post('/swarm/leave?force=0'), 503, /Use `--force` to ignore this message/);
  const res = await post('/swarm/leave?force=1');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, '');
  assert.equal(fixture.state(), 'inactive');
});
