import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  healthSettings,
  parseSignal,
  planTask,
  sandboxPath,
} from '../../../../src/agent/exec/process/task-plan.ts';
import type { TaskPlan } from '../../../../src/agent/exec/process/task-plan.ts';
import { resolveUser } from '../../../../src/agent/exec/process/user-lookup.ts';
import { ProcessExecutor } from '../../../../src/agent/exec/process/process-executor.ts';
import { SystemClock } from '../../../../src/base/clock.ts';
import { silentLogger } from '../../../../src/base/logger.ts';
import { ResourceTracker } from '../../../support/resource-tracker.ts';
import { aTask, collect, disposeExecutor, ms, text, watchUntil } from '../task-fixture.ts';

const tracker = new ResourceTracker();
after(() => tracker.dispose());

const context = { sandbox: '/state/tasks/t1/sandbox', hostname: 'node-1', isRoot: false };

describe('planTask', () => {
  test('runs Command then Args, with a base env under the spec env and Docker defaults', () => {
    const plan = planTask(
      aTask(
        {
          Image: 'busybox',
          Command: ['sh', '-c'],
          Args: ['echo hi'],
          Env: ['PATH=/opt/bin', 'A=1', 'NOVALUE'],
        },
        { id: 't1', service: 'web', slot: 2 },
      ),
      context,
    ) as TaskPlan;
    assert.deepEqual(plan.argv, ['sh', '-c', 'echo hi']);
    assert.equal(plan.name, 'web.2.t1');
    assert.equal(plan.image, 'busybox');
    assert.deepEqual(plan.env.slice(1), [
      'HOSTNAME=node-1',
      'HOME=/state/tasks/t1/sandbox',
      'PATH=/opt/bin',
      'A=1',
    ]);
    assert.equal(plan.cwd, context.sandbox);
    assert.equal(plan.stopSignal, 'SIGTERM');
    assert.equal(plan.stopGraceMs, 10_000);
    assert.equal(plan.health, undefined);
    assert.equal(plan.runAs, undefined, 'User is applied only when the daemon is root');
  });

  test('maps Dir into the sandbox, the stop signal and grace, and the hostname', () => {
    const plan = planTask(
      aTask({
        Args: ['x'],
        Dir: '/srv/app',
        StopSignal: 'USR2',
        StopGracePeriod: ms(1_500),
        Hostname: 'h',
        User: 'nobody',
      }),
      context,
    ) as TaskPlan;
    assert.equal(plan.cwd, '/state/tasks/t1/sandbox/srv/app');
    assert.equal(plan.stopSignal, 'SIGUSR2');
    assert.equal(plan.stopGraceMs, 1_500);
    assert.ok(plan.env.includes('HOSTNAME=h'));
  });

  test('explains what cannot run', () => {
    assert.match(planTask(aTask({ Image: 'x' }), context) as string, /no command to run/);
    assert.match(
      planTask(aTask({ Args: ['x'], Dir: '../../etc' }), context) as string,
      /escapes the task sandbox/,
    );
    assert.match(
      planTask(aTask({ Args: ['x'], StopSignal: 'SIGNOPE' }), context) as string,
      /invalid stop signal/,
    );
    assert.match(
      planTask(aTask({ Args: ['x'], User: 'no-such-user-here' }), {
        ...context,
        isRoot: true,
      }) as string,
      /unable to find user no-such-user-here/,
    );
  });

  test('sandboxPath keeps every Dir inside the sandbox', () => {
    assert.equal(sandboxPath('/s', undefined), '/s');
    assert.equal(sandboxPath('/s', '/'), '/s');
    assert.equal(sandboxPath('/s', 'a/../b'), '/s/b');
    assert.equal(sandboxPath('/s', '/a/../../b'), '/s/b');
    assert.equal(sandboxPath('/s', '..'), undefined);
  });

  test('parseSignal accepts names with or without SIG and numbers', () => {
    assert.equal(parseSignal('SIGINT'), 'SIGINT');
    assert.equal(parseSignal('hup'), 'SIGHUP');
    assert.equal(parseSignal('9'), 'SIGKILL');
    assert.equal(parseSignal('SIGFOO'), undefined);
  });

  test('healthSettings fills Docker defaults and reads CMD and CMD-SHELL', () => {
    assert.deepEqual(healthSettings({ Test: ['CMD-SHELL', 'curl -f x'] }), {
      argv: ['/bin/sh', '-c', 'curl -f x'],
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
    });
    assert.deepEqual(
      healthSettings({
        Test: ['CMD', 'true'],
        Interval: ms(100),
        Timeout: ms(50),
        Retries: 1,
        StartPeriod: ms(10),
      }),
      { argv: ['true'], intervalMs: 100, timeoutMs: 50, retries: 1, startPeriodMs: 10 },
    );
    assert.equal(healthSettings({ Test: ['NONE'] }), undefined);
    assert.equal(healthSettings({ Test: [] }), undefined);
    assert.equal(healthSettings(undefined), undefined);
  });
});

describe('resolveUser', () => {
  const dir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-users-')));
  const db = { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
  writeFileSync(
    db.passwd,
    'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:App:/home/app:/bin/sh\n',
  );
  writeFileSync(db.group, 'root:x:0:\nstaff:x:50:\n');

  test('names, numbers and groups', () => {
    assert.deepEqual(resolveUser('app', db), { uid: 1000, gid: 1001, home: '/home/app' });
    assert.deepEqual(resolveUser('1000:staff', db), { uid: 1000, gid: 50, home: '/home/app' });
    assert.deepEqual(resolveUser('4242', db), { uid: 4242, gid: 4242 });
    assert.deepEqual(resolveUser('app:7', db), { uid: 1000, gid: 7, home: '/home/app' });
    assert.match(resolveUser('ghost', db) as string, /unable to find user ghost/);
    assert.match(resolveUser('app:nogroup', db) as string, /unable to find group nogroup/);
  });
});

describe('ProcessExecutor User', () => {
  test('as root, the task runs as its User, in a sandbox it owns', async () => {
    const stateDir = tracker.dir(mkdtempSync(join(tmpdir(), 'shoal-proc-')));
    const executor = new ProcessExecutor({
      stateDir,
      clock: new SystemClock(),
      logger: silentLogger,
      pollMs: 50,
    });
    tracker.add('process executor', () => disposeExecutor(executor));
    const user = process.getuid?.() === 0 ? '65534:65534' : String(process.getuid?.() ?? 0);
    const task = aTask({ Command: ['sh', '-c', 'id -u; touch mine && echo wrote'], User: user });
    await executor.prepare(task);
    await executor.start(task.id);
    await watchUntil(
      executor.watch(task.id, new AbortController().signal),
      (s) => s.state === 'exited',
    );
    const output = text(
      await collect(executor.logs(task.id, { follow: false }, new AbortController().signal)),
    );
    assert.equal(output, `${user.split(':')[0]}\nwrote\n`);
  });
});
