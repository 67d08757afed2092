import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ProcessExecutor } from '../../../../src/agent/exec/process/process-executor.ts';
import { SystemClock } from '../../../../src/base/clock.ts';
import { silentLogger } from '../../../../src/base/logger.ts';
import { ResourceTracker } from '../../../support/resource-tracker.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { aTask, collect, disposeExecutor, text, watchUntil } from '../task-fixture.ts';

const tracker = new ResourceTracker();
after(() => tracker.dispose());

function anExecutor(stateDir: string): ProcessExecutor {
  const executor = new ProcessExecutor({
    stateDir,
    clock: new SystemClock(),
    logger: silentLogger,
    pollMs: 50,
  });
  tracker.add('process executor', () => disposeExecutor(executor));
  return executor;
}

/** Pids of task supervisors whose command line contains `marker`. */
function supervisorsOf(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes(marker) && cmdline.includes('shoal-task');
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('ProcessExecutor across a daemon restart', () => {
  test('a new executor adopts the process a crashed daemon started, never starts a twin, and reports its exit', async () => {
    const stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
    const marker = `adopt-${Date.now()}`;
    const task = aTask({
      Command: [
        'sh',
        '-c',
        `echo before; while [ ! -f release ]; do sleep 0.05; done; echo after; exit 5`,
        marker,
      ],
    });
    const taskFile = join(stateDir, 'task-input.json');
    writeFileSync(taskFile, JSON.stringify(task));
    const daemon = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'start-detached.fixture.ts'),
        stateDir,
        taskFile,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(daemon.stdout, 'started\n', daemon.stderr);
    assert.equal(daemon.signal, 'SIGKILL');
    const [pid] = supervisorsOf(marker);
    assert.ok(pid !== undefined, 'the task outlived its daemon');

    const executor = anExecutor(stateDir);
    assert.deepEqual(await executor.list(), [task.id]);
    const status = await executor.status(task.id);
    assert.equal(status.state, 'running');
    await executor.prepare(task);
    await executor.start(task.id);
    assert.equal(supervisorsOf(marker).length, 1, 'no twin was started');

    const sandbox = join(stateDir, 'tasks', task.id, 'sandbox');
    writeFileSync(join(sandbox, 'release'), '');
    const seen = await watchUntil(
      executor.watch(task.id, new AbortController().signal),
      (s) => s.state === 'exited',
    );
    assert.equal(seen.at(-1)?.exitCode, 5);
    const logs = text(
      await collect(executor.logs(task.id, { follow: false }, new AbortController().signal)),
    );
    assert.equal(logs, 'before\nafter\n');
    await executor.start(task.id);
    assert.equal(
      (await executor.status(task.id)).state,
      'exited',
      'start of an exited task does nothing',
    );
  });

  test('a recorded pid now used by another process does not pass for the task', async () => {
    const stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
    const first = anExecutor(stateDir);
    const task = aTask({ Command: ['true'] });
    await first.prepare(task);
    await first.start(task.id);
    await watchUntil(
      first.watch(task.id, new AbortController().signal),
      (s) => s.state === 'exited',
    );
    await first.close();
    // Point the record at this test's own pid, alive but started at another time.
    const runFile = join(stateDir, 'tasks', task.id, 'run.json');
    const run = JSON.parse(readFileSync(runFile, 'utf8')) as { pid: number; startTicks: string };
    writeFileSync(runFile, JSON.stringify({ ...run, pid: process.pid }));
    const second = anExecutor(stateDir);
    const status = await second.status(task.id);
    assert.equal(status.state, 'exited');
    assert.equal(status.exitCode, 0);
    await second.stop(task.id, 10);
    assert.ok(existsSync(runFile));
  });

  test('an executor closed while its task runs leaves the task running; a new one stops it', async () => {
    const stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
    const first = anExecutor(stateDir);
    const task = aTask({ Command: ['sleep', '30'] });
    await first.prepare(task);
    await first.start(task.id);
    const { pid } = await first.status(task.id);
    await first.close();
    assert.doesNotThrow(() => process.kill(pid!, 0));
    const second = anExecutor(stateDir);
    await second.stop(task.id, 2_000);
    const status = await second.status(task.id);
    assert.equal(status.state, 'exited');
    assert.equal(status.exitCode, 143);
    await waitFor('the process is gone', () => {
      try {
        process.kill(pid!, 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});
