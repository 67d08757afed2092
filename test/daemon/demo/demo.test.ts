import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../../src/daemon/demo/demo.ts';
import { TRY_NEXT_HEADING } from '../../../src/daemon/demo/demo-guide.ts';
import { ApiClient } from '../../support/api-client.ts';
import { ResourceTracker } from '../../support/resource-tracker.ts';
import { waitFor } from '../../support/wait-for.ts';

const bin = new URL('../../../bin/shoal.js', import.meta.url).pathname;
const tracker = new ResourceTracker();
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

/**
 * Pids of the processes that belong to the demo in `dir`: daemons (their command line names
 * the dir) and tasks (their working dir is under it).
 */
async function processesOf(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cmdline.includes(`${dir}/`) || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
  }
  return found;
}

/** Whether `pid` is a live process (a zombie awaiting its parent counts as gone). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat);
}

/** Spawns `shoal demo` on `dir` (process executor), tracked; its output is gathered. */
function startDemo(dir: string): { child: ChildProcess; output: () => string } {
  // Whatever the demo fails to clean up, the test does (and then fails below).
  tracker.add('demo leftovers', async () => {
    for (const pid of await processesOf(dir)) process.kill(pid, 'SIGKILL');
  });
  const child = spawn(process.execPath, [bin, 'demo', '--executor', 'process', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tracker.process(child, 'shoal demo', 30_000);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

/** Waits until the demo has printed `text`; fails at once if it exits first. */
function waitForOutput(
  demo: { child: ChildProcess; output: () => string },
  text: string,
): Promise<boolean> {
  return waitFor(
    `the demo to print "${text}"`,
    () => {
      if (demo.child.exitCode !== null) throw new Error(`the demo exited:\n${demo.output()}`);
      return demo.output().includes(text);
    },
    { timeoutMs: 180_000, intervalMs: 200 },
  );
}

/** SIGINTs the demo and checks it exits 0 with none of `pids` alive and `dir` gone. */
async function interruptAndCheck(
  demo: { child: ChildProcess; output: () => string },
  dir: string,
  pids: readonly number[],
): Promise<void> {
  demo.child.kill('SIGINT');
  const [code] = (await once(demo.child, 'exit')) as [number | null];
  assert.equal(code, 0, demo.output());
  assert.match(demo.output(), /stopped; removed /);
  const survivors = [];
  for (const pid of [...pids, ...(await processesOf(dir))]) {
    if (await alive(pid)) survivors.push(pid);
  }
  assert.deepEqual(survivors, [], 'every daemon and task process is gone');
  assert.equal(existsSync(dir), false, 'the demo dir is removed');
}

test('shoal demo forms a three-node swarm, runs web 3/3, and leaves nothing behind on Ctrl-C', async () => {
  const parent = tracker.dir(await mkdtemp(join(tmpdir(), 'shoal-demo-test-')));
  const dir = join(parent, 'demo');
  const demo = startDemo(dir);
  await waitForOutput(demo, TRY_NEXT_HEADING);
  const output = demo.output();
  const socket = join(dir, 'demo-1.sock');
  assert.ok(output.includes(`export SHOAL_HOST=unix://${socket}`), output);
  assert.ok(output.includes(`docker -H unix://${socket} service ps web`), output);

  const api = new ApiClient(socket);
  const services = (await api.ok('GET', '/services?status=true')) as {
    Spec: { Name: string };
    ServiceStatus: { RunningTasks: number; DesiredTasks: number };
  }[];
  assert.deepEqual(
    services.map((s) => [s.Spec.Name, s.ServiceStatus.RunningTasks, s.ServiceStatus.DesiredTasks]),
    [['web', 3, 3]],
  );
  const nodes = (await api.ok('GET', '/nodes')) as {
    Description: { Hostname: string };
    Status: { State: string };
    ManagerStatus?: { Reachability: string };
  }[];
  assert.deepEqual(
    nodes
      .map((n) => `${n.Description.Hostname} ${n.Status.State} ${n.ManagerStatus?.Reachability}`)
      .sort(),
    ['demo-1 ready reachable', 'demo-2 ready reachable', 'demo-3 ready reachable'],
  );
  const pids = await processesOf(dir);
  // Three daemons, and at least one process per task.
  assert.ok(pids.length >= 6, `expected daemons and tasks, found ${pids.length} processes`);
  await interruptAndCheck(demo, dir, pids);
});

test('a Ctrl-C while the swarm forms stops what was started and removes the dir', async () => {
  const parent = tracker.dir(await mkdtemp(join(tmpdir(), 'shoal-demo-test-')));
  const dir = join(parent, 'demo');
  const demo = startDemo(dir);
  await waitForOutput(demo, 'swarm join demo-2');
  const pids = await processesOf(dir);
  assert.equal(pids.length, 3, 'three daemons started');
  await interruptAndCheck(demo, dir, pids);
});

test('the demo refuses a --dir that holds something, and leaves it alone', async () => {
  const dir = tracker.dir(await mkdtemp(join(tmpdir(), 'shoal-demo-test-')));
  await writeFile(join(dir, 'precious'), 'x');
  const stop = new AbortController();
  await assert.rejects(
    runDemo(
      { dir, keep: false, executor: 'process', image: 'busybox', replicas: 3 },
      { out: () => undefined, stop: stop.signal, hurry: stop.signal },
    ),
    { message: /is not empty/ },
  );
  assert.equal(await readFile(join(dir, 'precious'), 'utf8'), 'x');
});
