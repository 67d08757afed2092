import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDaemonHost } from '../../../src/cli/client/daemon-host.ts';
import { EngineClient } from '../../../src/cli/client/engine-client.ts';
import type { EngineClientOptions } from '../../../src/cli/client/engine-client.ts';
import {
  DaemonError,
  DaemonUnreachableError,
  UnsupportedRouteError,
} from '../../../src/cli/client/engine-errors.ts';
import { FakeDaemon } from '../support/fake-daemon.ts';
import type { FakeDaemonOptions, Route } from '../support/fake-daemon.ts';

async function withDaemon(
  routes: Readonly<Record<string, Route>>,
  options: FakeDaemonOptions,
  body: (daemon: FakeDaemon, client: EngineClient) => Promise<void>,
  clientOptions: Partial<EngineClientOptions> = {},
): Promise<void> {
  const daemon = await FakeDaemon.start(routes, options);
  const client = new EngineClient({ host: parseDaemonHost(daemon.host, false), ...clientOptions });
  try {
    await body(daemon, client);
  } finally {
    client.close();
    await daemon.close();
  }
}

const ok: Route = () => ({ json: { ok: true } });

test('the version is negotiated once by pinging, and never above the client maximum', async () => {
  const cases: [string | null, string][] = [
    ['1.41', '1.41'],
    ['1.30', '1.30'],
    ['1.45', '1.41'],
    [null, '1.24'],
  ];
  for (const [server, used] of cases) {
    await withDaemon({ 'GET /info': ok }, { apiVersion: server }, async (daemon, client) => {
      await client.json('GET', '/info');
      await client.json('GET', '/info');
      assert.deepEqual(
        daemon.requests.map((r) => `${r.method} ${r.path}`),
        ['HEAD /_ping', `GET /v${used}/info`, `GET /v${used}/info`],
        `server ${server}`,
      );
      assert.equal(await client.apiVersion(), used);
    });
  }
});

test('a daemon that does not answer HEAD /_ping with 200 is pinged with GET', async () => {
  await withDaemon(
    { 'GET /info': ok },
    { headPingStatus: 405, apiVersion: '1.40' },
    async (daemon, client) => {
      await client.json('GET', '/info');
      assert.deepEqual(
        daemon.requests.map((r) => `${r.method} ${r.path}`),
        ['HEAD /_ping', 'GET /_ping', 'GET /v1.40/info'],
      );
    },
  );
});

test('SHOAL_API_VERSION-style fixed versions skip the ping', async () => {
  await withDaemon(
    { 'GET /info': ok },
    {},
    async (daemon, client) => {
      await client.json('GET', '/info');
      assert.deepEqual(daemon.calls(), ['GET /v1.35/info']);
      assert.equal(daemon.requests.length, 1);
    },
    { fixedApiVersion: '1.35' },
  );
});

test('queries are encoded as Go encodes url.Values, bodies as JSON', async () => {
  await withDaemon(
    { 'POST /things/:id/update': () => ({ status: 200 }) },
    {},
    async (daemon, client) => {
      await client.request('POST', '/things/a%2Fb/update', {
        query: { version: 7, b: 'x y', a: '*~!', skip: undefined },
        body: { Name: 'n', Labels: { k: 'v' } },
      });
      const [call] = daemon.apiRequests();
      assert.equal(call?.rawQuery, 'a=%2A~%21&b=x+y&version=7');
      assert.equal(call?.rawBody, '{"Name":"n","Labels":{"k":"v"}}');
      assert.equal(call?.headers['content-type'], 'application/json');
      assert.equal(call?.params['id'], 'a/b');
    },
  );
});

test('daemon errors read as docker prints them', async () => {
  const routes: Record<string, Route> = {
    'GET /json': () => ({ status: 404, json: { message: 'node nope not found\n' } }),
    'GET /text': () => ({ status: 500, text: ' plain failure ' }),
    'GET /empty': () => ({ status: 404 }),
    'GET /nomessage': () => ({ status: 500, json: { other: 1 } }),
  };
  await withDaemon(routes, {}, async (daemon, client) => {
    await assert.rejects(client.request('GET', '/json'), (err: unknown) => {
      assert.ok(err instanceof DaemonError);
      assert.equal(err.status, 404);
      assert.equal(err.message, 'Error response from daemon: node nope not found');
      return true;
    });
    await assert.rejects(client.request('GET', '/text'), {
      message: 'Error response from daemon: plain failure',
    });
    await assert.rejects(client.request('GET', '/nomessage'), {
      message:
        'Error response from daemon: API returned a 500 (Internal Server Error) but provided no error-message',
    });
    await assert.rejects(client.request('GET', '/empty'), (err: unknown) => {
      assert.ok(err instanceof UnsupportedRouteError);
      const socket = encodeURIComponent(daemon.socketPath);
      assert.equal(
        err.message,
        `request returned Not Found for API route and version http://${socket}/v1.41/empty, check if the server supports the requested API version`,
      );
      return true;
    });
  });
});

test('an absent daemon is reported with the address tried', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-cli-'));
  try {
    const socket = join(dir, 'none.sock');
    const client = new EngineClient({ host: parseDaemonHost(`unix://${socket}`, false) });
    await assert.rejects(client.json('GET', '/info'), (err: unknown) => {
      assert.ok(err instanceof DaemonUnreachableError);
      assert.equal(
        err.message,
        `Cannot connect to the shoal daemon at unix://${socket}. Is the shoal daemon running?`,
      );
      return true;
    });
    client.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
