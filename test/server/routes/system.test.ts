import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/base/clock.ts';
import type { HostFacts } from '../../../src/server/host-facts.ts';
import { registerSystemRoutes } from '../../../src/server/routes/system.ts';
import type { SwarmInfo, SwarmInfoProvider } from '../../../src/server/swarm-info.ts';
import { send, startTestServer, testIdentity } from '../support/test-server.ts';
import type { TestServer } from '../support/test-server.ts';

const host: HostFacts = {
  hostname: 'node-1',
  kernelVersion: '6.1.0-test',
  operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  osVersion: '12',
  osType: 'linux',
  machine: 'x86_64',
  arch: 'amd64',
  cpus: 4,
  memoryBytes: 8 * 1024 ** 3,
  ipv4Forwarding: true,
  bridgeNfIptables: false,
  bridgeNfIp6tables: false,
  openFiles: 21,
};

let t: TestServer;
let swarm: SwarmInfoProvider | undefined;
const provider: SwarmInfoProvider = {
  swarmInfo: () => (swarm ?? { swarmInfo: () => inactive }).swarmInfo(),
  pingStatus: () => swarm?.pingStatus() ?? 'inactive',
};
const inactive: SwarmInfo = {
  NodeID: '',
  NodeAddr: '',
  LocalNodeState: 'inactive',
  ControlAvailable: false,
  Error: '',
  RemoteManagers: null,
};

before(async () => {
  t = await startTestServer((router) =>
    registerSystemRoutes(router, {
      identity: { ...testIdentity, gitCommit: 'abc123' },
      swarm: provider,
      clock: new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5)),
      host: () => Promise.resolve(host),
    }),
  );
});
after(async () => {
  await t.close();
});

test('GET /_ping answers OK with the Engine headers', async () => {
  swarm = undefined;
  const res = await send(t.socketPath, { path: '/_ping' });
  assert.equal(res.status, 200);
  assert.equal(res.text, 'OK');
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers['api-version'], '1.41');
  assert.equal(res.headers['ostype'], 'linux');
  assert.equal(res.headers['docker-experimental'], 'false');
  assert.equal(res.headers['cache-control'], 'no-cache, no-store, must-revalidate');
  assert.equal(res.headers['pragma'], 'no-cache');
  assert.equal(res.headers['swarm'], 'inactive');
});

test('HEAD /_ping answers the same headers with an empty body', async () => {
  const res = await send(t.socketPath, { method: 'HEAD', path: '/_ping' });
  assert.equal(res.status, 200);
  assert.equal(res.body.length, 0);
  assert.equal(res.headers['content-length'], '0');
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers['api-version'], '1.41');
  assert.equal(res.headers['swarm'], 'inactive');
});

test('the Swarm header follows the provider', async () => {
  swarm = { swarmInfo: () => inactive, pingStatus: () => 'active/manager' };
  const res = await send(t.socketPath, { path: '/v1.41/_ping' });
  assert.equal(res.headers['swarm'], 'active/manager');
  swarm = undefined;
});

test('GET /v1.41/version describes shoal in the Engine shape', async () => {
  const res = await send(t.socketPath, { path: '/v1.41/version' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  const details = {
    ApiVersion: '1.41',
    MinAPIVersion: '1.24',
    GitCommit: 'abc123',
    GoVersion: `node ${process.version}`,
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: '6.1.0-test',
    BuildTime: '',
  };
  assert.deepEqual(res.json(), {
    Platform: { Name: 'shoal' },
    Components: [
      { Name: 'Engine', Version: '0.1.0-test', Details: { ...details, Experimental: 'false' } },
    ],
    Version: '0.1.0-test',
    ...details,
  });
});

test('GET /info reports an inactive swarm by default, the host, and shoal as the server', async () => {
  const res = await send(t.socketPath, { path: '/info' });
  assert.equal(res.status, 200);
  const info = res.json() as Record<string, unknown>;
  assert.deepEqual(info['Swarm'], inactive);
  assert.equal(info['Name'], 'node-1');
  assert.equal(info['ServerVersion'], '0.1.0-test');
  assert.equal(info['OSType'], 'linux');
  assert.equal(info['Architecture'], 'x86_64');
  assert.equal(info['NCPU'], 4);
  assert.equal(info['MemTotal'], 8 * 1024 ** 3);
  assert.equal(info['KernelVersion'], '6.1.0-test');
  assert.equal(info['IPv4Forwarding'], true);
  assert.equal(info['NFd'], 21);
  assert.equal(info['SystemTime'], '2026-01-02T03:04:05.000Z');
  assert.equal(info['Containers'], 0);
  assert.deepEqual(info['Warnings'], []);
  assert.deepEqual(info['Plugins'], { Volume: [], Network: [], Authorization: null, Log: [] });
});

test('GET /info carries an active manager swarm section and its warnings', async () => {
  const active: SwarmInfo = {
    NodeID: 'n1',
    NodeAddr: '10.0.0.1',
    LocalNodeState: 'active',
    ControlAvailable: true,
    Error: '',
    RemoteManagers: [{ NodeID: 'n1', Addr: '10.0.0.1:2377' }],
    Nodes: 3,
    Managers: 1,
    Cluster: { ID: 'c1' },
    Warnings: ['WARNING: Running Swarm in a two-manager configuration.'],
  };
  swarm = { swarmInfo: () => Promise.resolve(active), pingStatus: () => 'active/manager' };
  const info = (await send(t.socketPath, { path: '/info' })).json() as Record<string, unknown>;
  assert.deepEqual(info['Swarm'], active);
  assert.deepEqual(info['Warnings'], active.Warnings);
  swarm = undefined;
});

test('a failing provider makes /info a 500 with its message', async () => {
  swarm = {
    swarmInfo: () => Promise.reject(new Error('cluster component stopped')),
    pingStatus: () => 'error',
  };
  const res = await send(t.socketPath, { path: '/info' });
  assert.equal(res.status, 500);
  assert.deepEqual(res.json(), { message: 'cluster component stopped' });
  swarm = undefined;
});

test('OPTIONS on any path answers 200 for CORS preflight', async () => {
  const res = await send(t.socketPath, { method: 'OPTIONS', path: '/v1.41/services/create' });
  assert.equal(res.status, 200);
});

test('GET routes do not answer HEAD, as in the Engine', async () => {
  const res = await send(t.socketPath, { method: 'HEAD', path: '/version' });
  assert.equal(res.status, 404);
});
