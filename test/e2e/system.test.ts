import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from '../../src/server/api-server.ts';
import { MAX_API_VERSION } from '../../src/server/api-version.ts';
import { Router } from '../../src/server/router.ts';
import { registerSystemRoutes } from '../../src/server/routes/system.ts';
import { findDocker, runDocker } from './support/docker-cli.ts';
import type { CliResult } from './support/docker-cli.ts';

// The real docker CLI against shoal's socket. It must not pass silently without the CLI:
// CI installs Debian's docker.io; SHOAL_E2E_DOCKER points at another binary.

let dir: string;
let socketPath: string;
let server: ApiServer;
let docker: string | undefined;

function cli(...args: string[]): Promise<CliResult> {
  return runDocker(docker, socketPath, dir, args);
}

before(async () => {
  docker = await findDocker();
  dir = await mkdtemp(join(tmpdir(), 'shoal-e2e-'));
  socketPath = join(dir, 'shoal.sock');
  const identity = { version: '0.0.0-e2e' };
  const router = new Router();
  registerSystemRoutes(router, { identity });
  server = new ApiServer({ router, identity, socketPath });
  await server.start();
});

after(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

test('docker version negotiates to the API version shoal serves', async () => {
  const res = await cli('version', '--format', '{{.Server.APIVersion}}');
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout.trim(), MAX_API_VERSION);
});

test('docker info reports an inactive swarm', async () => {
  const res = await cli('info', '--format', '{{.Swarm.LocalNodeState}}');
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout.trim(), 'inactive');
});

test('the default docker version and docker info outputs render', async () => {
  const version = await cli('version');
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /Server: shoal/);
  assert.match(version.stdout, /Version:\s+0\.0\.0-e2e/);
  const info = await cli('info');
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /Server Version: 0\.0\.0-e2e/);
  assert.match(info.stdout, /Swarm: inactive/);
});

test('an error from shoal reaches the user as the CLI prints daemon errors', async () => {
  const res = await cli('node', 'ls');
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /Error response from daemon: page not found/);
});
