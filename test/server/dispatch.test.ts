import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { ShoalError } from '../../src/base/errors.ts';
import { jsonReply } from '../../src/server/reply.ts';
import type { Router } from '../../src/server/router.ts';
import { send, startTestServer } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

let t: TestServer;
const seen: { version?: string; params?: Record<string, string>; body?: unknown }[] = [];

function routes(router: Router): void {
  router.post('/nodes/{id}/update', (ctx) => {
    seen.push({ version: ctx.apiVersion, params: { ...ctx.params } });
    return undefined;
  });
  router.get('/conflict', () => {
    throw new ShoalError('SERVICE_EXISTS', 'service web already exists', { status: 409 });
  });
  router.get('/boom', () => {
    throw new Error('the disk caught fire');
  });
  router.post('/echo', async (ctx) => jsonReply({ got: (await ctx.readJson()) ?? null }, 201));
  router.get('/query', (ctx) => jsonReply(Object.fromEntries(ctx.query)));
}

before(async () => {
  t = await startTestServer(routes, { bodyLimitBytes: 64 });
});
after(async () => {
  await t.close();
});

test('an unknown route is 404 {"message":"page not found"} as application/json', async () => {
  for (const path of ['/nope', '/v1.41/nope', '/v1.41', '/v99.0/nope']) {
    const res = await send(t.socketPath, { path });
    assert.equal(res.status, 404, path);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.text, '{"message":"page not found"}\n');
  }
  const wrongMethod = await send(t.socketPath, { method: 'GET', path: '/nodes/x/update' });
  assert.equal(wrongMethod.status, 404);
});

test('every response carries the Engine headers', async () => {
  const res = await send(t.socketPath, { path: '/nope' });
  assert.equal(res.headers['api-version'], '1.41');
  assert.equal(res.headers['ostype'], process.platform);
  assert.equal(res.headers['docker-experimental'], 'false');
  assert.equal(res.headers['server'], `shoal/0.1.0-test (${process.platform})`);
});

test('the version prefix is optional and reaches the handler, with path params', async () => {
  seen.length = 0;
  const a = await send(t.socketPath, { method: 'POST', path: '/v1.30/nodes/n1/update?version=3' });
  const b = await send(t.socketPath, { method: 'POST', path: '/nodes/n%202/update' });
  assert.equal(a.status, 200);
  assert.equal(a.text, '');
  assert.equal(a.headers['content-length'], '0');
  assert.equal(b.status, 200);
  assert.deepEqual(seen, [
    { version: '1.30', params: { id: 'n1' } },
    { version: '1.41', params: { id: 'n 2' } },
  ]);
});

test('a too-new version is a 400 JSON error with the Engine message', async () => {
  const res = await send(t.socketPath, { method: 'POST', path: '/v1.42/nodes/n1/update' });
  assert.equal(res.status, 400);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.deepEqual(res.json(), {
    message: 'client version 1.42 is too new. Maximum supported API version is 1.41',
  });
});

test('a too-old version is a 400 in plain text, as the Engine answers clients before 1.24', async () => {
  const res = await send(t.socketPath, { method: 'POST', path: '/v1.23/nodes/n1/update' });
  assert.equal(res.status, 400);
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(
    res.text,
    'client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version\n',
  );
});

test('a ShoalError becomes its status and {"message": ...}', async () => {
  const res = await send(t.socketPath, { path: '/conflict' });
  assert.equal(res.status, 409);
  assert.deepEqual(res.json(), { message: 'service web already exists' });
});

test('any other error is a 500 with its message, and is logged', async () => {
  const res = await send(t.socketPath, { path: '/v1.41/boom' });
  assert.equal(res.status, 500);
  assert.deepEqual(res.json(), { message: 'the disk caught fire' });
  const line = t.logLines.find((l) => l['msg'] === 'request failed' && l['url'] === '/v1.41/boom');
  assert.ok(line, 'the failure was logged');
  assert.equal(line['level'], 'error');
  assert.equal(line['status'], 500);
});

test('the query string is parsed for the handler', async () => {
  const res = await send(t.socketPath, { path: '/query?force=1&filters=%7B%22a%22%3A1%7D' });
  assert.deepEqual(res.json(), { force: '1', filters: '{"a":1}' });
});

test('a JSON body is parsed; an empty one is undefined', async () => {
  const json = { 'Content-Type': 'application/json' };
  const full = await send(t.socketPath, {
    method: 'POST',
    path: '/echo',
    headers: json,
    body: '{"a":1}',
  });
  assert.equal(full.status, 201);
  assert.deepEqual(full.json(), { got: { a: 1 } });
  const empty = await send(t.socketPath, { method: 'POST', path: '/echo' });
  assert.deepEqual(empty.json(), { got: null });
});

test('malformed JSON and a non-JSON content type are 400s', async () => {
  const bad = await send(t.socketPath, {
    method: 'POST',
    path: '/echo',
    headers: { 'Content-Type': 'application/json' },
    body: '{"a":',
  });
  assert.equal(bad.status, 400);
  assert.match((bad.json() as { message: string }).message, /^invalid JSON: /);
  const text = await send(t.socketPath, {
    method: 'POST',
    path: '/echo',
    headers: { 'Content-Type': 'text/plain' },
    body: '{}',
  });
  assert.equal(text.status, 400);
  assert.deepEqual(text.json(), {
    message: "unsupported Content-Type header (text/plain): must be 'application/json'",
  });
  const blank = await send(t.socketPath, {
    method: 'POST',
    path: '/echo',
    headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    body: '   ',
  });
  assert.deepEqual(blank.json(), { message: 'invalid JSON: got EOF while reading request body' });
});

test('a body over the limit is a 413 and the connection is not reused', async () => {
  const body = JSON.stringify({ data: 'x'.repeat(100) });
  const declared = await send(t.socketPath, {
    method: 'POST',
    path: '/echo',
    headers: { 'Content-Type': 'application/json' },
    body,
  });
  assert.equal(declared.status, 413);
  assert.equal(declared.headers['connection'], 'close');
  const chunked = await send(t.socketPath, {
    method: 'POST',
    path: '/echo',
    headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    body,
  });
  assert.equal(chunked.status, 413);
  assert.match((chunked.json() as { message: string }).message, /limit of 64 bytes/);
  assert.equal(chunked.headers['connection'], 'close');
});

test('error answers to bodiless requests keep the connection alive', async () => {
  const agent = new Agent({ keepAlive: true });
  try {
    const res = await send(t.socketPath, { path: '/conflict', agent });
    assert.equal(res.headers['connection'], 'keep-alive');
  } finally {
    agent.destroy();
  }
});
