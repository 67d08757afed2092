import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from '../../src/server/api-server.ts';
import { Router } from '../../src/server/router.ts';
import { registerNodeRoutes } from '../../src/server/routes/nodes.ts';
import { registerSwarmRoutes } from '../../src/server/routes/swarm.ts';
import { registerSystemRoutes } from '../../src/server/routes/system.ts';
import type { SwarmInfoProvider } from '../../src/server/swarm-info.ts';
import { getSwarm } from '../../src/manager/controlapi/swarm.ts';
import { controlSwarmBackend } from '../server/support/control-swarm-backend.ts';
import type { ControlSwarmBackend } from '../server/support/control-swarm-backend.ts';
import { findDocker, runDocker } from './support/docker-cli.ts';
import type { CliResult } from './support/docker-cli.ts';

// The real docker CLI against the swarm and node routes over the real control API. It must
// not pass silently without the CLI: CI installs Debian's docker.io; SHOAL_E2E_DOCKER
// points at another binary.

const managerId = 'mgr0000000000000000000001';
const workerId = 'wkr0000000000000000000001';

let dir: string;
let socketPath: string;
let server: ApiServer;
let docker: string | undefined;
let fixture: ControlSwarmBackend;

function cli(...args: string[]): Promise<CliResult> {
  return runDocker(docker, socketPath, dir, args);
}

async function ok(...args: string[]): Promise<string> {
  const res = await cli(...args);
  assert.equal(res.code, 0, `docker ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

/** `/info` reports this node as the active leader manager, so `node ls` stars its row. */
const swarmInfo: SwarmInfoProvider = {
  swarmInfo: () => ({
    NodeID: managerId,
    NodeAddr: '10.0.0.1',
    LocalNodeState: 'active',
    ControlAvailable: true,
    Error: '',
    RemoteManagers: [{ NodeID: managerId, Addr: '10.0.0.1:2377' }],
    Nodes: 2,
    Managers: 1,
  }),
  pingStatus: () => 'active/manager',
};

before(async () => {
  docker = await findDocker();
  dir = await mkdtemp(join(tmpdir(), 'shoal-e2e-nodes-'));
  socketPath = join(dir, 'shoal.sock');
  fixture = await controlSwarmBackend(managerId, 'alpha');
  await fixture.backend.init({ AdvertiseAddr: '10.0.0.1' });
  await fixture.addNode(workerId, 'beta', 'ready');
  const identity = { version: '0.0.0-e2e' };
  const router = new Router();
  registerSystemRoutes(router, { identity, swarm: swarmInfo });
  registerSwarmRoutes(router, fixture.backend);
  registerNodeRoutes(router, fixture.backend);
  server = new ApiServer({ router, identity, socketPath });
  await server.start();
});

after(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

test('docker node ls prints the header and stars the current node', async () => {
  const lines = (await ok('node', 'ls')).trimEnd().split('\n');
  assert.match(
    lines[0] ?? '',
    /^ID\s+HOSTNAME\s+STATUS\s+AVAILABILITY\s+MANAGER STATUS\s+ENGINE VERSION$/,
  );
  const manager = lines.find((l) => l.startsWith(managerId));
  assert.match(
    manager ?? '',
    new RegExp(`^${managerId} \\*\\s+alpha\\s+Ready\\s+Active\\s+Leader`),
  );
  const worker = lines.find((l) => l.startsWith(workerId));
  assert.match(
    worker ?? '',
    new RegExp(`^${workerId}\\s+beta\\s+Ready\\s+Active\\s+0\\.1\\.0-test`),
  );
});

test('docker node inspect --format reads the spec by hostname', async () => {
  assert.equal(
    (await ok('node', 'inspect', '--format', '{{.Spec.Role}}', 'beta')).trim(),
    'worker',
  );
});

test('docker node update --label-add shows in inspect', async () => {
  assert.equal((await ok('node', 'update', '--label-add', 'a=b', workerId)).trim(), workerId);
  const labels = await ok('node', 'inspect', '--format', '{{json .Spec.Labels}}', workerId);
  assert.deepEqual(JSON.parse(labels), { a: 'b' });
});

test('docker node promote and demote change the role', async () => {
  assert.match(await ok('node', 'promote', 'beta'), /Node beta promoted to a manager in the swarm/);
  assert.equal(
    (await ok('node', 'inspect', '--format', '{{.Spec.Role}}', 'beta')).trim(),
    'manager',
  );
  assert.match(await ok('node', 'demote', 'beta'), /Manager beta demoted in the swarm/);
  assert.equal(
    (await ok('node', 'inspect', '--format', '{{.Spec.Role}}', 'beta')).trim(),
    'worker',
  );
  const last = await cli('node', 'demote', 'alpha');
  assert.notEqual(last.code, 0);
  assert.match(last.stderr, /attempting to demote the last manager of the swarm/);
});

test('docker swarm join-token -q worker prints the worker token', async () => {
  const token = (await ok('swarm', 'join-token', '-q', 'worker')).trim();
  assert.equal(token, getSwarm(fixture.store()).JoinTokens.Worker);
  assert.match(token, /^SWMTKN-1-/);
});

test('docker swarm update --task-history-limit changes the swarm spec', async () => {
  assert.match(await ok('swarm', 'update', '--task-history-limit', '3'), /Swarm updated\./);
  const spec = getSwarm(fixture.store()).Spec;
  assert.equal(spec.Orchestration?.TaskHistoryRetentionLimit, 3);
});

test('docker node rm of a ready node is refused with Docker message', async () => {
  const res = await cli('node', 'rm', 'beta');
  assert.notEqual(res.code, 0);
  assert.match(
    res.stderr,
    new RegExp(`Error response from daemon: node ${workerId} is not down and can't be removed`),
  );
  assert.equal((await ok('node', 'rm', '--force', 'beta')).trim(), 'beta');
});
