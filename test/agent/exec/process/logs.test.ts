import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  formatTimestamp,
  parseTimestamp,
} from '../../../../src/agent/exec/process/log-timestamp.ts';
import { ProcessExecutor } from '../../../../src/agent/exec/process/process-executor.ts';
import type { ProcessExecutorOptions } from '../../../../src/agent/exec/process/process-executor.ts';
import { SystemClock } from '../../../../src/base/clock.ts';
import { silentLogger } from '../../../../src/base/logger.ts';
import { ResourceTracker } from '../../../support/resource-tracker.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { aTask, collect, disposeExecutor, text, watchUntil } from '../task-fixture.ts';

const tracker = new ResourceTracker();
after(() => tracker.dispose());

function anExecutor(options: Partial<ProcessExecutorOptions> = {}): {
  executor: ProcessExecutor;
  stateDir: string;
} {
  const stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
  const executor = new ProcessExecutor({
    stateDir,
    clock: new SystemClock(),
    logger: silentLogger,
    pollMs: 50,
    ...options,
  });
  tracker.add('process executor', () => disposeExecutor(executor));
  return { executor, stateDir };
}

const never = (): AbortSignal => new AbortController().signal;

async function runToExit(executor: ProcessExecutor, script: string): Promise<string> {
  const task = aTask({ Command: ['sh', '-c', script] });
  await executor.prepare(task);
  await executor.start(task.id);
  await watchUntil(executor.watch(task.id, never()), (s) => s.state === 'exited');
  return task.id;
}

describe('log timestamps', () => {
  test('format with nanoseconds and parse back to milliseconds', () => {
    const ms = Date.UTC(2026, 10, 23, 23, 15, 6, 123) + 0.456;
    assert.equal(formatTimestamp(ms), '2026-11-23T23:15:06.123456000Z');
    assert.ok(Math.abs(parseTimestamp('2026-11-23T23:15:06.123456789Z') - ms) < 0.001);
    assert.equal(parseTimestamp('2026-11-23T23:15:06Z'), Date.UTC(2026, 10, 23, 23, 15, 6));
  });
});

describe('ProcessExecutor logs', () => {
  test('tail keeps the last entries; since drops older ones', async () => {
    const { executor } = anExecutor();
    const id = await runToExit(executor, 'for i in 1 2 3 4 5; do echo line$i; done');
    const all = await collect(executor.logs(id, { follow: false }, never()));
    assert.equal(text(all), 'line1\nline2\nline3\nline4\nline5\n');
    assert.equal(
      text(await collect(executor.logs(id, { follow: false, tail: 2 }, never()))),
      'line4\nline5\n',
    );
    assert.deepEqual(await collect(executor.logs(id, { follow: false, tail: 0 }, never())), []);
    const last = parseTimestamp(all.at(-1)!.timestamp);
    assert.equal(
      (await collect(executor.logs(id, { follow: false, since: last + 1 }, never()))).length,
      0,
    );
    assert.equal(
      (await collect(executor.logs(id, { follow: false, since: last - 60_000 }, never()))).length,
      5,
    );
  });

  test('follow streams new output and ends when the task exits', async () => {
    const { executor, stateDir } = anExecutor();
    const task = aTask({
      Command: [
        'sh',
        '-c',
        'echo first; while [ ! -f go ]; do sleep 0.02; done; echo second; printf partial',
      ],
    });
    await executor.prepare(task);
    await executor.start(task.id);
    const received: string[] = [];
    const following = (async () => {
      for await (const entry of executor.logs(
        task.id,
        { follow: true },
        AbortSignal.timeout(20_000),
      )) {
        received.push(Buffer.from(entry.data).toString('utf8'));
      }
    })();
    await waitFor('the first line', () => received.includes('first\n'));
    writeFileSync(join(stateDir, 'tasks', task.id, 'sandbox', 'go'), '');
    await following;
    assert.deepEqual(received, ['first\n', 'second\n', 'partial']);
  });

  test('follow stops when its signal aborts', async () => {
    const { executor } = anExecutor();
    const task = aTask({ Command: ['sleep', '30'] });
    await executor.prepare(task);
    await executor.start(task.id);
    const controller = new AbortController();
    const following = collect(executor.logs(task.id, { follow: true }, controller.signal));
    controller.abort();
    assert.deepEqual(await following, []);
    await executor.stop(task.id, 1_000);
  });

  test('long lines are cut at 16 KiB and logs rotate within their bounds', async () => {
    const { executor, stateDir } = anExecutor({ logLimits: { maxBytes: 4_096, maxFiles: 2 } });
    const id = await runToExit(
      executor,
      'i=0; while [ $i -lt 200 ]; do echo "line number $i"; i=$((i+1)); done; head -c 20000 /dev/zero | tr "\\0" x; echo',
    );
    const logs = await collect(executor.logs(id, { follow: false }, never()));
    const longest = Math.max(...logs.map((e) => e.data.length));
    assert.equal(longest, 16 * 1024);
    assert.equal(text(logs.slice(-2)), 'x'.repeat(20_000) + '\n');
    assert.ok(!text(logs).includes('line number 0\n'), 'the oldest file was dropped');
    assert.ok(existsSync(join(stateDir, 'tasks', id, 'log.json.1')));
    assert.ok(!existsSync(join(stateDir, 'tasks', id, 'log.json.2')));
  });

  test('logs of an unknown task are empty', async () => {
    const { executor } = anExecutor();
    assert.deepEqual(await collect(executor.logs('nosuchtask', { follow: true }, never())), []);
  });
});
