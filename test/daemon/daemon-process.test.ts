import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ResourceTracker } from '../support/resource-tracker.ts';
import { waitFor } from '../support/wait-for.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/shoal.js', import.meta.url).pathname;
const tracker = new ResourceTracker();
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

function startDaemon(dir: string) {
  const child = spawn(
    process.execPath,
    [
      bin,
      'daemon',
      '--data-dir',
      join(dir, 'data'),
      '--api-socket',
      join(dir, 'shoal.sock'),
      '--listen-addr',
      '127.0.0.1:0',
      '--hostname',
      'node-1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  tracker.process(child, 'shoal daemon');
  return { child, stderr: () => stderr };
}

async function swarmState(socket: string): Promise<string> {
  const { stdout } = await run('docker', [
    '-H',
    `unix://${socket}`,
    'info',
    '--format',
    '{{.Swarm.LocalNodeState}} {{.ID}}',
  ]);
  return stdout.trim();
}

test('shoal daemon serves the API, stops on SIGTERM, and comes back after SIGKILL as the same node', async () => {
  const dir = tracker.dir(await mkdtemp(join(tmpdir(), 'shoal-daemon-proc-')));
  const socket = join(dir, 'shoal.sock');

  const first = startDaemon(dir);
  const state = await waitFor('the daemon to answer docker info', () => swarmState(socket), {
    timeoutMs: 20_000,
  });
  const [localState, engineId] = state.split(' ');
  assert.equal(localState, 'inactive');
  assert.match(engineId ?? '', /^[0-9a-f]{32}$/);
  assert.equal(
    (await readFile(join(dir, 'data', 'shoal.pid'), 'utf8')).trim(),
    String(first.child.pid),
  );

  first.child.kill('SIGTERM');
  const [code] = (await once(first.child, 'exit')) as [number | null];
  assert.equal(code, 0, first.stderr());
  assert.equal(existsSync(socket), false, 'the socket is removed on a clean stop');
  assert.equal(existsSync(join(dir, 'data', 'shoal.pid')), false);

  // A crash leaves the pid file and the socket behind; the next start takes both over.
  const second = startDaemon(dir);
  await waitFor('the restarted daemon', () => swarmState(socket), { timeoutMs: 20_000 });
  second.child.kill('SIGKILL');
  await new Promise((resolve) => second.child.once('exit', resolve));
  assert.equal(existsSync(socket), true);

  const third = startDaemon(dir);
  assert.equal(
    await waitFor('the daemon after SIGKILL', () => swarmState(socket), { timeoutMs: 20_000 }),
    `inactive ${engineId}`,
  );
  third.child.kill('SIGTERM');
  await new Promise((resolve) => third.child.once('exit', resolve));
});

test('shoal daemon refuses bad flags with the flag named, and exits 1', async () => {
  const result = await run(process.execPath, [bin, 'daemon', '--executor', 'podman']).catch(
    (err: { code: number; stderr: string }) => err,
  );
  assert.equal((result as { code: number }).code, 1);
  assert.match(
    (result as { stderr: string }).stderr,
    /--executor must be one of docker, process, auto/,
  );
});
