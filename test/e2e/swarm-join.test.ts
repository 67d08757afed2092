import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { DaemonDir } from '../daemon/swarm/daemon-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { findDocker, runDocker } from './support/docker-cli.ts';
import type { CliResult } from './support/docker-cli.ts';

// The real docker CLI against two in-process shoal daemons: init on A, join B as a worker,
// node ls on A, leave on B. Like swarm-init.test.ts, it fails rather than pass without the CLI.

let a: DaemonDir;
let b: DaemonDir;
let c: DaemonDir;
const daemons: Daemon[] = [];
let docker: string | undefined;

function cli(on: DaemonDir, ...args: string[]): Promise<CliResult> {
  return runDocker(docker, on.socket, on.dir, args);
}

async function ok(on: DaemonDir, ...args: string[]): Promise<string> {
  const res = await cli(on, ...args);
  assert.equal(res.code, 0, `docker ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

before(async () => {
  docker = await findDocker();
  a = await DaemonDir.create();
  b = await DaemonDir.create();
  c = await DaemonDir.create();
  daemons.push(await a.start('node-a'), await b.start('node-b'), await c.start('node-c'));
});

after(async () => {
  for (const daemon of daemons) await daemon.stop();
  await a.remove();
  await b.remove();
  await c.remove();
});

test('docker swarm join adds a worker that the manager lists as ready', async () => {
  await ok(a, 'swarm', 'init', '--advertise-addr', '127.0.0.1');
  const token = (await ok(a, 'swarm', 'join-token', '-q', 'worker')).trim();
  const addr = (await ok(a, 'info', '--format', '{{(index .Swarm.RemoteManagers 0).Addr}}')).trim();

  const out = await ok(b, 'swarm', 'join', '--token', token, addr);
  assert.match(out, /This node joined a swarm as a worker\./);
  const state = await ok(
    b,
    'info',
    '--format',
    '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}',
  );
  assert.equal(state.trim(), 'active false');
  const refused = await cli(b, 'node', 'ls');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Worker nodes can't be used to view or modify cluster state/);

  const seen = await waitFor('node ls on A to show both nodes ready', async () => {
    const nodes = await ok(a, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}}');
    const lines = nodes
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .sort();
    return lines.join('|') === 'node-a Ready|node-b Ready' && lines;
  });
  assert.equal(seen.length, 2);

  const left = await ok(b, 'swarm', 'leave');
  assert.match(left, /Node left the swarm\./);
  assert.equal((await ok(b, 'info', '--format', '{{.Swarm.LocalNodeState}}')).trim(), 'inactive');
});

test('docker swarm join with the manager token adds a reachable manager', async () => {
  const token = (await ok(a, 'swarm', 'join-token', '-q', 'manager')).trim();
  const addr = (await ok(a, 'info', '--format', '{{(index .Swarm.RemoteManagers 0).Addr}}')).trim();
  const out = await ok(c, 'swarm', 'join', '--token', token, addr);
  assert.match(out, /This node joined a swarm as a manager\./);
  await waitFor('node ls on C to show A as leader and C reachable', async () => {
    const nodes = await ok(c, 'node', 'ls', '--format', '{{.Hostname}} {{.ManagerStatus}}');
    const lines = nodes
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .sort();
    return lines.join('|') === 'node-a Leader|node-b|node-c Reachable' || undefined;
  });
});
