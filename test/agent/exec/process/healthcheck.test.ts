import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { nextHealth } from '../../../../src/agent/exec/process/health-runner.ts';
import { ProcessExecutor } from '../../../../src/agent/exec/process/process-executor.ts';
import { ManualClock, SystemClock } from '../../../../src/base/clock.ts';
import { silentLogger } from '../../../../src/base/logger.ts';
import { ResourceTracker } from '../../../support/resource-tracker.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { aTask, disposeExecutor, ms, watchUntil } from '../task-fixture.ts';

const tracker = new ResourceTracker();
after(() => tracker.dispose());

function anExecutor(
  stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-'))),
): ProcessExecutor {
  const executor = new ProcessExecutor({
    stateDir,
    clock: new SystemClock(),
    logger: silentLogger,
    pollMs: 50,
  });
  tracker.add('process executor', () => disposeExecutor(executor));
  return executor;
}

describe("nextHealth (Docker's rules)", () => {
  const starting = { status: 'starting', failingStreak: 0 } as const;
  test('a success makes the task healthy and clears the streak', () => {
    assert.deepEqual(nextHealth({ status: 'unhealthy', failingStreak: 5 }, true, false, 3), {
      status: 'healthy',
      failingStreak: 0,
    });
  });
  test('failures in the start period do not count until the task was healthy once', () => {
    assert.deepEqual(nextHealth(starting, false, true, 1), starting);
    assert.deepEqual(nextHealth({ status: 'healthy', failingStreak: 0 }, false, true, 1), {
      status: 'unhealthy',
      failingStreak: 1,
    });
  });
  test('retries failures in a row make the task unhealthy', () => {
    let record = nextHealth(starting, false, false, 3);
    assert.deepEqual(record, { status: 'starting', failingStreak: 1 });
    record = nextHealth(nextHealth(record, false, false, 3), false, false, 3);
    assert.deepEqual(record, { status: 'unhealthy', failingStreak: 3 });
  });
});

describe('ProcessExecutor healthchecks', () => {
  const watching = (executor: ProcessExecutor, id: string) =>
    executor.watch(id, AbortSignal.timeout(20_000));

  test('a passing CMD-SHELL check turns a starting task healthy; a new executor keeps it', async () => {
    const stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
    const executor = anExecutor(stateDir);
    const task = aTask({
      Command: ['sleep', '30'],
      Healthcheck: { Test: ['CMD-SHELL', 'test -f ready'], Interval: ms(50), Retries: 1000 },
      StopGracePeriod: ms(2_000),
    });
    await executor.prepare(task);
    await executor.start(task.id);
    assert.equal((await executor.status(task.id)).health, 'starting');
    writeFileSync(join(stateDir, 'tasks', task.id, 'sandbox', 'ready'), '');
    const seen = await watchUntil(watching(executor, task.id), (s) => s.health === 'healthy');
    assert.equal(seen.at(-1)?.state, 'running');
    await executor.close();
    const next = anExecutor(stateDir);
    assert.equal((await next.status(task.id)).health, 'healthy');
    await next.remove(task.id);
  });

  test('a failing CMD check makes the task unhealthy after Retries failures', async () => {
    const executor = anExecutor();
    const task = aTask({
      Command: ['sleep', '30'],
      Healthcheck: { Test: ['CMD', 'false'], Interval: ms(30), Retries: 2 },
      StopGracePeriod: ms(2_000),
    });
    await executor.prepare(task);
    await executor.start(task.id);
    const seen = await watchUntil(watching(executor, task.id), (s) => s.health === 'unhealthy');
    assert.deepEqual(
      seen.map((s) => s.health),
      ['starting', 'unhealthy'],
    );
    assert.equal(
      seen.at(-1)?.state,
      'running',
      'the executor reports; the worker decides to stop it',
    );
    await executor.remove(task.id);
  });

  test('a probe past its timeout is killed and counts as a failure', async () => {
    const executor = anExecutor();
    const task = aTask({
      Command: ['sleep', '30'],
      Healthcheck: { Test: ['CMD', 'sleep', '30'], Interval: ms(20), Timeout: ms(100), Retries: 1 },
      StopGracePeriod: ms(2_000),
    });
    await executor.prepare(task);
    await executor.start(task.id);
    await watchUntil(watching(executor, task.id), (s) => s.health === 'unhealthy');
    await executor.remove(task.id);
  });

  test('failures within the start period do not count; after it they do', async () => {
    const clock = new ManualClock(Date.now());
    const stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
    const executor = new ProcessExecutor({ stateDir, clock, logger: silentLogger });
    tracker.add('process executor', () => executor.close());
    const task = aTask({
      Command: ['sleep', '30'],
      Healthcheck: {
        Test: ['CMD-SHELL', 'echo probe >> probes; false'],
        Interval: ms(20),
        Retries: 1,
        StartPeriod: ms(60_000),
      },
      StopGracePeriod: ms(2_000),
    });
    await executor.prepare(task);
    await executor.start(task.id);
    const probes = join(stateDir, 'tasks', task.id, 'sandbox', 'probes');
    const probeCount = (): number =>
      existsSync(probes) ? readFileSync(probes, 'utf8').split('\n').length - 1 : 0;
    // A third probe runs only after the first two were judged (each schedules the next).
    await waitFor('three probes within the start period', () => {
      clock.advance(20);
      return probeCount() >= 3;
    });
    assert.equal((await executor.status(task.id)).health, 'starting');
    clock.advance(60_000);
    await watchUntil(
      executor.watch(task.id, AbortSignal.timeout(20_000)),
      (s) => s.health === 'unhealthy',
    );
    await executor.remove(task.id).catch(() => undefined);
  });

  test('without a healthcheck, or with NONE, health is none', async () => {
    const executor = anExecutor();
    for (const Healthcheck of [undefined, { Test: ['NONE'] }]) {
      const task = aTask({
        Command: ['true'],
        ...(Healthcheck === undefined ? {} : { Healthcheck }),
      });
      await executor.prepare(task);
      await executor.start(task.id);
      const seen = await watchUntil(watching(executor, task.id), (s) => s.state === 'exited');
      assert.ok(seen.every((s) => s.health === 'none'));
    }
  });
});
