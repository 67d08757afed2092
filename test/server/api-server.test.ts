import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { lstat, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManualClock } from '../../src/base/clock.ts';
import { ShoalError } from '../../src/base/errors.ts';
import { ApiServer } from '../../src/server/api-server.ts';
import { JsonStream } from '../../src/server/json-stream.ts';
import { textReply } from '../../src/server/reply.ts';
import { Router } from '../../src/server/router.ts';
import { open, send, startTestServer, testIdentity, within } from './support/test-server.ts';

const run = promisify(execFile);

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'shoal-server-'));
}

function pingRouter(): Router {
  return new Router().get('/_ping', () => textReply('OK'));
}

test('the socket is created 0660 and removed on stop', async () => {
  const t = await startTestServer((r) => r.get('/_ping', () => textReply('OK')));
  const mode = (await stat(t.socketPath)).mode & 0o777;
  assert.equal(mode, 0o660);
  assert.deepEqual(t.server.addresses(), { socketPath: t.socketPath });
  assert.equal((await send(t.socketPath, { path: '/_ping' })).text, 'OK');
  await t.server.stop();
  await assert.rejects(lstat(t.socketPath), { code: 'ENOENT' });
  await t.server.stop(); // idempotent
  await t.close();
});

test('a stale socket left by a dead process is replaced', async () => {
  const dir = await tempDir();
  const socketPath = join(dir, 'api.sock');
  // A child binds the socket and dies by SIGKILL, so nothing unlinks it.
  const script = `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`;
  await run(process.execPath, ['-e', script]).catch(() => undefined);
  assert.ok((await lstat(socketPath)).isSocket(), 'the stale socket exists');
  const server = new ApiServer({ router: pingRouter(), identity: testIdentity, socketPath });
  await server.start();
  assert.equal((await send(socketPath, { path: '/_ping' })).text, 'OK');
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a socket a live process serves is left alone and start fails', async () => {
  const dir = await tempDir();
  const socketPath = join(dir, 'api.sock');
  const other = createServer();
  await new Promise<void>((resolve) => other.listen(socketPath, resolve));
  const server = new ApiServer({ router: pingRouter(), identity: testIdentity, socketPath });
  await assert.rejects(
    server.start(),
    (err: unknown) => err instanceof ShoalError && err.code === 'API_SOCKET_UNAVAILABLE',
  );
  assert.ok((await lstat(socketPath)).isSocket(), 'the live socket is still there');
  await new Promise<void>((resolve) => other.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

test('a path that is not a socket is never deleted', async () => {
  const dir = await tempDir();
  const socketPath = join(dir, 'api.sock');
  await writeFile(socketPath, 'precious');
  const server = new ApiServer({ router: pingRouter(), identity: testIdentity, socketPath });
  await assert.rejects(server.start(), /is not a socket/);
  assert.ok((await lstat(socketPath)).isFile());
  await rm(dir, { recursive: true, force: true });
});

test('start() runs once, and a server needs somewhere to listen', async () => {
  assert.throws(
    () => new ApiServer({ router: pingRouter(), identity: testIdentity }),
    /socketPath/,
  );
  const t = await startTestServer((r) => r.get('/_ping', () => textReply('OK')));
  await assert.rejects(t.server.start(), /only once/);
  await t.close();
});

test('TCP on port 0 reports its real port and serves the same routes', async () => {
  const server = new ApiServer({
    router: pingRouter(),
    identity: testIdentity,
    tcp: { host: '127.0.0.1', port: 0 },
  });
  await server.start();
  const tcp = server.addresses().tcp;
  assert.ok(tcp !== undefined && tcp.port > 0 && !tcp.tls);
  const res = await fetch(`http://127.0.0.1:${tcp.port}/v1.41/_ping`);
  assert.equal(await res.text(), 'OK');
  assert.equal(res.headers.get('api-version'), '1.41');
  await server.stop();
  assert.deepEqual(server.addresses(), {});
});

test('stop() with an idle keep-alive connection completes without waiting for the grace timer', async () => {
  const clock = new ManualClock();
  const t = await startTestServer((r) => r.get('/_ping', () => textReply('OK')), {}, clock);
  const agent = new Agent({ keepAlive: true });
  const res = await send(t.socketPath, { path: '/_ping', agent });
  assert.equal(res.headers['connection'], 'keep-alive');
  assert.equal(await t.server.openConnections(), 1);
  // The ManualClock never advances, so only prompt closing lets stop() resolve.
  await within(t.server.stop(), 2000, 'stop() with a keep-alive connection');
  agent.destroy();
  await t.close();
});

test('stop() ends open streams cleanly and then closes their connections', async () => {
  const clock = new ManualClock();
  let stream: JsonStream | undefined;
  const t = await startTestServer(
    (r) =>
      r.get('/events', async (ctx) => {
        stream = new JsonStream(ctx);
        await stream.send({ Type: 'node' });
        await new Promise((resolve) => stream?.signal.addEventListener('abort', resolve));
        return undefined;
      }),
    {},
    clock,
  );
  const agent = new Agent({ keepAlive: true });
  const res = await open(t.socketPath, { path: '/events', agent });
  const ended = new Promise<string>((resolve, reject) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += chunk.toString()));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
  await within(t.server.stop(), 2000, 'stop() with an open stream');
  assert.equal(await ended, '{"Type":"node"}\n', 'the client saw a complete, ended stream');
  assert.ok(stream?.closed);
  agent.destroy();
  await t.close();
});

test('stop() gives a running request the grace period, then cuts it', async () => {
  const clock = new ManualClock();
  let entered!: () => void;
  const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
  const t = await startTestServer(
    (r) =>
      r.get('/slow', () => {
        entered();
        return new Promise(() => undefined);
      }),
    { stopGraceMs: 500 },
    clock,
  );
  const outcome = send(t.socketPath, { path: '/slow' }).then(
    (res) => `answered ${res.status}`,
    (err: Error) => err.message,
  );
  await handlerEntered;
  let stopped = false;
  const stopping = t.server.stop().then(() => (stopped = true));
  await new Promise((resolve) => setImmediate(resolve));
  clock.advance(499);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stopped, false, 'still inside the grace period');
  clock.advance(1);
  await within(stopping, 2000, 'stop() after the grace period');
  assert.match(await outcome, /socket hang up|ECONNRESET/);
  await t.close();
});
