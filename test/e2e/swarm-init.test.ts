import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { DaemonDir } from '../daemon/swarm/daemon-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { findDocker, runDocker } from './support/docker-cli.ts';
import type { CliResult } from './support/docker-cli.ts';

// The real docker CLI against a real in-process shoal daemon: swarm init, info, node ls,
// a daemon restart, leave --force. It must not pass silently without the CLI: CI installs
// Debian's docker.io; SHOAL_E2E_DOCKER points at another binary.

let dir: DaemonDir;
let daemon: Daemon | undefined;
let docker: string | undefined;

function cli(...args: string[]): Promise<CliResult> {
  return runDocker(docker, dir.socket, dir.dir, args);
}

async function ok(...args: string[]): Promise<string> {
  const res = await cli(...args);
  assert.equal(res.code, 0, `docker ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

before(async () => {
  docker = await findDocker();
  dir = await DaemonDir.create();
  daemon = await dir.start();
});

after(async () => {
  await daemon?.stop();
  await dir.remove();
});

test('docker swarm init makes this node the leader of a one-node swarm', async () => {
  const out = await ok('swarm', 'init', '--advertise-addr', '127.0.0.1');
  assert.match(out, /Swarm initialized: current node \([a-z0-9]{25}\) is now a manager\./);
  assert.match(
    out,
    /docker swarm join --token SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25} 127\.0\.0\.1:\d+/,
  );

  const state = await ok(
    'info',
    '--format',
    '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}',
  );
  assert.equal(state.trim(), 'active true');

  const nodes = await ok(
    'node',
    'ls',
    '--format',
    '{{.Hostname}} {{.Status}} {{.ManagerStatus}} {{.Self}}',
  );
  assert.equal(nodes.trim(), 'node-1 Ready Leader true');

  const again = await cli('swarm', 'init', '--advertise-addr', '127.0.0.1');
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /This node is already part of a swarm/);
});

test('after a daemon restart the node is still the swarm leader with the same tokens', async () => {
  const before = await ok('swarm', 'join-token', '-q', 'worker');
  const id = await ok('info', '--format', '{{.Swarm.NodeID}}');
  await daemon?.stop();
  daemon = await dir.start();
  assert.equal(await ok('swarm', 'join-token', '-q', 'worker'), before);
  assert.equal(await ok('info', '--format', '{{.Swarm.NodeID}}'), id);
  // Node status is the dispatcher's (heartbeats), so only identity and leadership are checked.
  await waitFor('node ls to show the restarted node as leader', async () => {
    const nodes = await ok('node', 'ls', '--format', '{{.ID}} {{.ManagerStatus}} {{.Self}}');
    return nodes.trim() === `${id.trim()} Leader true` || undefined;
  });
});

test('docker swarm leave needs --force on a manager, then the node is inactive', async () => {
  const refused = await cli('swarm', 'leave');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Use `--force` to ignore this message/);
  const out = await ok('swarm', 'leave', '--force');
  assert.match(out, /Node left the swarm\./);
  const state = await ok('info', '--format', '{{.Swarm.LocalNodeState}}');
  assert.equal(state.trim(), 'inactive');
  const off = await cli('node', 'ls');
  assert.notEqual(off.code, 0);
  assert.match(off.stderr, /This node is not a swarm manager/);
});
