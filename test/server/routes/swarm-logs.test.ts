import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { TaskLogMessage } from '../../../src/api/objects/log-message.ts';
import { createService } from '../../../src/manager/controlapi/services.ts';
import { registerServiceRoutes } from '../../../src/server/routes/services.ts';
import {
  fixedNanoTimestamp,
  formatLogLine,
  parseLogQuery,
} from '../../../src/server/routes/swarm-logs.ts';
import { registerTaskRoutes } from '../../../src/server/routes/tasks.ts';
import { controlDeps } from '../../manager/support/control-fixtures.ts';
import { aServiceSpec, seedTasks } from '../../manager/support/service-fixtures.ts';
import { controlServiceBackend } from '../support/control-service-backend.ts';
import type { ControlServiceBackend } from '../support/control-service-backend.ts';
import { open, send, startTestServer, within } from '../support/test-server.ts';
import type { TestResponse, TestServer } from '../support/test-server.ts';

let t: TestServer;
let fixture: ControlServiceBackend;
let web: string;

beforeEach(async () => {
  fixture = controlServiceBackend();
  t = await startTestServer((router) => {
    registerServiceRoutes(router, fixture.backend);
    registerTaskRoutes(router, fixture.backend);
  });
  web = await createService(fixture.store, aServiceSpec('web'), controlDeps());
  await seedTasks(fixture.store, web, [{ id: 'task1', slot: 1, nodeId: 'node1' }]);
});
afterEach(async () => {
  await t.close();
});

function message(stream: 'stdout' | 'stderr', text: string): TaskLogMessage {
  return {
    taskId: 'task1',
    serviceId: web,
    nodeId: 'node1',
    stream,
    timestamp: '2024-01-01T00:00:01.5Z',
    data: Buffer.from(text),
  };
}

/** Splits a multiplexed body into [stream byte, payload] frames, checking each header. */
function frames(body: Buffer): [number, string][] {
  const out: [number, string][] = [];
  let at = 0;
  while (at < body.length) {
    assert.ok(at + 8 <= body.length, 'truncated frame header');
    const type = body[at]!;
    assert.deepEqual([...body.subarray(at + 1, at + 4)], [0, 0, 0]);
    const size = body.readUInt32BE(at + 4);
    out.push([type, body.subarray(at + 8, at + 8 + size).toString('utf8')]);
    at += 8 + size;
  }
  return out;
}

const get = (path: string) => send(t.socketPath, { path });

function assertError(res: TestResponse, status: number, message: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal((res.json() as { message: string }).message, message);
}

test('service logs: one frame per line, with the details the docker CLI asks for', async () => {
  fixture.logs = [message('stdout', 'hello\n'), message('stderr', 'oops\n')];
  const res = await get('/v1.41/services/web/logs?stdout=1&stderr=1&details=1&follow=1&tail=10');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/vnd.docker.raw-stream');
  const details = `com.docker.swarm.node.id=node1,com.docker.swarm.service.id=${web},com.docker.swarm.task.id=task1`;
  assert.deepEqual(frames(res.body), [
    [1, `${details} hello\n`],
    [2, `${details} oops\n`],
  ]);
  assert.deepEqual(fixture.selectors, [{ follow: true, tail: 10, serviceIds: [web] }]);
});

test('a follow stops its subscription when the client goes away', async () => {
  fixture.logs = [message('stdout', 'first\n')];
  fixture.hold = true;
  const res = await open(t.socketPath, { path: '/v1.41/services/web/logs?stdout=1&follow=1' });
  assert.equal(res.statusCode, 200);
  const [chunk] = (await once(res, 'data')) as [Buffer];
  assert.deepEqual(frames(chunk), [[1, 'first\n']]);
  const signal = fixture.signals[0]!;
  assert.equal(signal.aborted, false);
  res.destroy();
  await within(once(signal, 'abort'), 5_000, 'the subscription abort');
});

test('task logs: only the chosen stream, with fixed-width timestamps and since', async () => {
  fixture.logs = [message('stdout', 'out\n'), message('stderr', 'err\n')];
  const res = await get('/tasks/web.1.task1/logs?stderr=true&timestamps=true&since=1704067200.25');
  assert.deepEqual(frames(res.body), [[2, '2024-01-01T00:00:01.500000000Z err\n']]);
  assert.deepEqual(fixture.selectors, [
    { follow: false, since: 1704067200250, taskIds: ['task1'] },
  ]);
});

test('a TTY service streams raw bytes', async () => {
  const tty = await createService(
    fixture.store,
    aServiceSpec('shell', {
      TaskTemplate: { ContainerSpec: { Image: 'busybox', TTY: true } },
    }),
    controlDeps(3),
  );
  fixture.logs = [
    { ...message('stdout', 'a\n'), serviceId: tty },
    { ...message('stderr', 'b\n'), serviceId: tty },
  ];
  const res = await get('/services/shell/logs?stdout=1&stderr=1');
  assert.equal(res.text, 'a\nb\n');
});

test('a source failure mid-stream is a system frame', async () => {
  fixture.logs = [message('stdout', 'one\n')];
  fixture.logError = new Error('node1 went away');
  const res = await get('/services/web/logs?stdout=1');
  assert.deepEqual(frames(res.body), [
    [1, 'one\n'],
    [3, 'Error grabbing logs: node1 went away\n'],
  ]);
});

test('errors before the stream are JSON with the Engine statuses', async () => {
  assertError(await get('/services/nope/logs?stdout=1'), 404, 'service nope not found');
  assertError(await get('/tasks/nope/logs?stdout=1'), 404, 'task nope not found');
  assertError(
    await get('/services/web/logs'),
    500,
    'Bad parameters: you must choose at least one stream',
  );
  assertError(
    await get('/services/web/logs?stdout=1&tail=-2'),
    500,
    'negative tail values not supported',
  );
  assertError(
    await get('/services/web/logs?stdout=1&tail=ten'),
    500,
    'tail value must be a positive integer or "all"',
  );
  assert.equal(fixture.selectors.length, 0);
});

test('parseLogQuery reads loose booleans, tail and since', () => {
  const query = (text: string) => parseLogQuery(new URLSearchParams(text));
  assert.deepEqual(query('stdout=1&tail=all'), {
    stdout: true,
    stderr: false,
    timestamps: false,
    details: false,
    follow: false,
  });
  assert.equal(query('stdout=1&since=12').since, 12_000);
  assert.equal(query('stdout=1&since=12.000000001').since, 12_000);
  assert.throws(() => query('stdout=1&since=yesterday'), /could not parse since timestamp/);
});

test('formatLogLine and fixedNanoTimestamp write what the Engine writes', () => {
  assert.equal(fixedNanoTimestamp('2024-01-01T00:00:01Z'), '2024-01-01T00:00:01.000000000Z');
  assert.equal(
    fixedNanoTimestamp('2024-01-01T00:00:01.1234567891+02:00'),
    '2024-01-01T00:00:01.123456789+02:00',
  );
  const line = formatLogLine(message('stdout', 'hi\n'), {
    stdout: true,
    stderr: true,
    timestamps: true,
    details: false,
  });
  assert.equal(line.toString(), '2024-01-01T00:00:01.500000000Z hi\n');
});
