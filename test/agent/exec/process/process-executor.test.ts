import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ProcessExecutor } from '../../../../src/agent/exec/process/process-executor.ts';
import { ManualClock, SystemClock } from '../../../../src/base/clock.ts';
import type { ShoalError } from '../../../../src/base/errors.ts';
import { silentLogger } from '../../../../src/base/logger.ts';
import { ResourceTracker } from '../../../support/resource-tracker.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { aTask, collect, disposeExecutor, ms, text, watchUntil } from '../task-fixture.ts';

const tracker = new ResourceTracker();
after(() => tracker.dispose());

function anExecutor(stateDir?: string): ProcessExecutor {
  const dir = stateDir ?? tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
  const executor = new ProcessExecutor({
    stateDir: dir,
    clock: new SystemClock(),
    logger: silentLogger,
    pollMs: 50,
    version: '9.9.9',
  });
  tracker.add('process executor', () => disposeExecutor(executor));
  return executor;
}

describe('ProcessExecutor lifecycle', () => {
  test('prepare, start, exit 0 with env, sandbox dir and captured stdout', async () => {
    const executor = anExecutor();
    const task = aTask({
      Image: 'busybox',
      Args: ['sh', '-c', 'echo "$GREETING from $(pwd | sed "s|.*/||")"; echo oops >&2'],
      Env: ['GREETING=hello'],
      Dir: '/app',
    });
    assert.deepEqual((await executor.status(task.id)).state, 'absent');
    await executor.prepare(task);
    await executor.prepare(task);
    assert.equal((await executor.status(task.id)).state, 'created');
    assert.deepEqual(await executor.list(), [task.id]);
    await executor.start(task.id);
    const seen = await watchUntil(
      executor.watch(task.id, new AbortController().signal),
      (s) => s.state === 'exited',
    );
    assert.equal(seen.at(-1)?.exitCode, 0);
    const logs = await collect(
      executor.logs(task.id, { follow: false }, new AbortController().signal),
    );
    assert.equal(text(logs.filter((e) => e.stream === 'stdout')), 'hello from app\n');
    assert.equal(text(logs.filter((e) => e.stream === 'stderr')), 'oops\n');
    assert.match(logs[0]?.timestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  test('a non-zero exit is reported with its code', async () => {
    const executor = anExecutor();
    const task = aTask({ Command: ['sh', '-c', 'exit 3'] });
    await executor.prepare(task);
    await executor.start(task.id);
    const seen = await watchUntil(
      executor.watch(task.id, new AbortController().signal),
      (s) => s.state === 'exited',
    );
    assert.equal(seen.at(-1)?.exitCode, 3);
  });

  test("a missing executable fails start with Docker's words; no command rejects prepare", async () => {
    const executor = anExecutor();
    const task = aTask({ Args: ['no-such-binary-xyz'] });
    await executor.prepare(task);
    await assert.rejects(executor.start(task.id), (err: ShoalError) => {
      assert.equal(err.code, 'EXECUTOR_START_FAILED');
      assert.match(err.message, /exec: "no-such-binary-xyz": executable file not found in \$PATH/);
      return true;
    });
    await assert.rejects(executor.prepare(aTask({ Image: 'busybox' })), {
      code: 'EXECUTOR_TASK_INVALID',
    });
    await assert.rejects(executor.prepare(aTask({ Args: ['true'], Dir: '../..' })), {
      code: 'EXECUTOR_TASK_INVALID',
    });
    await assert.rejects(executor.start('unknowntask'), { code: 'EXECUTOR_TASK_NOT_FOUND' });
  });

  test('stop sends the stop signal; a trapping task exits with its own code', async () => {
    const executor = anExecutor();
    const task = aTask({
      Command: [
        'sh',
        '-c',
        'trap "echo got USR1; exit 7" USR1; echo ready; while :; do sleep 0.05; done',
      ],
      StopSignal: 'SIGUSR1',
    });
    await executor.prepare(task);
    await executor.start(task.id);
    await waitFor('ready', async () =>
      text(
        await collect(executor.logs(task.id, { follow: false }, new AbortController().signal)),
      ).includes('ready'),
    );
    await executor.stop(task.id, 5_000);
    const status = await executor.status(task.id);
    assert.equal(status.state, 'exited');
    assert.equal(status.exitCode, 7);
    const logs = text(
      await collect(executor.logs(task.id, { follow: false }, new AbortController().signal)),
    );
    assert.match(logs, /got USR1/);
  });

  test('a task that ignores its stop signal is killed after the grace period (137)', async () => {
    const clock = new ManualClock(Date.now());
    const dir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
    const executor = new ProcessExecutor({ stateDir: dir, clock, logger: silentLogger });
    tracker.add('process executor', () => executor.close());
    const task = aTask({
      Command: ['sh', '-c', 'trap "echo term-ignored" TERM; while :; do sleep 0.05; done'],
      StopGracePeriod: ms(300),
    });
    await executor.prepare(task);
    await executor.start(task.id);
    const stopped = executor.stop(task.id);
    const logs = async (): Promise<string> =>
      text(await collect(executor.logs(task.id, { follow: false }, new AbortController().signal)));
    await waitFor('the task to see SIGTERM', async () => (await logs()).includes('term-ignored'));
    clock.advance(299);
    assert.equal(
      (await executor.status(task.id)).state,
      'running',
      'still running within the grace period',
    );
    clock.advance(1);
    await stopped;
    const status = await executor.status(task.id);
    assert.equal(status.state, 'exited');
    assert.equal(status.exitCode, 137);
    await executor.stop(task.id);
  });

  test('remove stops the task and deletes its files; later calls see absent', async () => {
    const executor = anExecutor();
    const task = aTask({ Command: ['sleep', '30'], StopGracePeriod: ms(2_000) });
    await executor.prepare(task);
    await executor.start(task.id);
    const running = await executor.status(task.id);
    assert.equal(running.state, 'running');
    assert.ok(running.pid !== undefined);
    await executor.remove(task.id);
    assert.equal((await executor.status(task.id)).state, 'absent');
    assert.deepEqual(await executor.list(), []);
    await waitFor('the process is reaped', () => !existsSync(`/proc/${running.pid}`));
    await executor.remove(task.id);
    await executor.stop(task.id);
    assert.deepEqual(
      await collect(executor.logs(task.id, { follow: true }, new AbortController().signal)),
      [],
    );
  });

  test('describe advertises the process executor and the host', async () => {
    const description = await anExecutor().describe();
    assert.deepEqual(description.engineLabels, { executor: 'process' });
    assert.equal(description.engineVersion, 'shoal 9.9.9');
    assert.equal(description.platform.OS, 'linux');
    assert.ok(['x86_64', 'aarch64'].includes(description.platform.Architecture));
    assert.ok(description.resources.NanoCPUs >= 1e9 && description.resources.NanoCPUs % 1e9 === 0);
    assert.ok(description.resources.MemoryBytes > 0);
  });
});
