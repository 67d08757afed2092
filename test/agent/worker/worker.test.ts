import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ShoalError } from '../../../src/base/errors.ts';
import { FakeExecutor } from '../../support/fake-executor.ts';
import { aTask, aWorker, settle, tempStateDir } from './worker-fixture.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const complete = (...tasks: ReturnType<typeof aTask>[]) =>
  ({ type: 'complete', updated: tasks, removed: [] }) as const;

test('an assigned task walks to running, reporting each state once with its message', async () => {
  const { worker, executor, sink, clock } = await aWorker();
  worker.assign(complete(aTask('t1')));
  await settle(worker);
  assert.deepEqual(sink.states('t1'), ['accepted', 'preparing', 'ready', 'starting', 'running']);
  assert.deepEqual(
    sink.reports.map((r) => r.status.Message),
    ['accepted', 'preparing', 'prepared', 'starting', 'started'],
  );
  const running = sink.last('t1')!;
  assert.equal(running.Timestamp, new Date(clock.now()).toISOString());
  assert.deepEqual(running.ContainerStatus, { ContainerID: 'c-t1', PID: 100 });
  assert.equal(executor.count('prepare', 't1'), 1);
  assert.equal(executor.count('start', 't1'), 1);

  executor.exit('t1', 0);
  await settle(worker);
  assert.deepEqual(sink.last('t1'), {
    Timestamp: running.Timestamp,
    State: 'complete',
    Message: 'finished',
    ContainerStatus: { ContainerID: 'c-t1', PID: 100, ExitCode: 0 },
  });
  await worker.stop();
});

test('a non-zero exit fails the task; a missing image rejects it', async () => {
  const { worker, executor, sink } = await aWorker();
  worker.assign(complete(aTask('t1'), aTask('t2', {}, { Image: 'missing' })));
  await settle(worker);
  executor.exit('t1', 3);
  await settle(worker);
  assert.equal(sink.last('t1')?.State, 'failed');
  assert.equal(sink.last('t1')?.Err, 'task: non-zero exit (3)');
  assert.equal(sink.last('t1')?.Message, 'started');
  assert.deepEqual(sink.states('t2'), ['accepted', 'preparing', 'rejected']);
  assert.equal(sink.last('t2')?.Err, 'No such image: missing');
  assert.equal(executor.count('start', 't2'), 0);
  await worker.stop();
});

test('desired ready holds a task prepared; desired running then starts it', async () => {
  const { worker, executor, sink } = await aWorker();
  worker.assign(complete(aTask('t1', { DesiredState: 'ready' })));
  await settle(worker);
  assert.deepEqual(sink.states('t1'), ['accepted', 'preparing', 'ready']);
  assert.equal(executor.count('start', 't1'), 0);
  const held = aTask('t1', { Status: { State: 'ready', Message: 'prepared' } });
  worker.assign({ type: 'incremental', updated: [held], removed: [] });
  await settle(worker);
  assert.deepEqual(sink.states('t1').slice(3), ['starting', 'running']);
  await worker.stop();
});

test('desired shutdown stops the task with its grace period and reports shutdown', async () => {
  const { worker, executor, sink } = await aWorker();
  worker.assign(complete(aTask('t1', {}, { StopGracePeriod: 2_000_000_000 })));
  await settle(worker);
  const stopped = aTask('t1', { DesiredState: 'shutdown' }, { StopGracePeriod: 2_000_000_000 });
  worker.assign({ type: 'incremental', updated: [stopped], removed: [] });
  await settle(worker);
  assert.deepEqual(sink.last('t1'), {
    Timestamp: sink.last('t1')?.Timestamp,
    State: 'shutdown',
    Message: 'shutdown',
    ContainerStatus: { ContainerID: 'c-t1', PID: 100, ExitCode: 143 },
  });
  assert.ok(executor.calls.includes('stop t1 2000'));
  // The container stays (for logs and inspection) until the task leaves the assignment set.
  assert.equal(executor.tasks.has('t1'), true);
  worker.assign({ type: 'incremental', updated: [], removed: ['t1'] });
  await settle(worker);
  assert.equal(executor.tasks.has('t1'), false);
  assert.equal(sink.states('t1').filter((s) => s === 'shutdown').length, 1);
  await worker.stop();
});

test('a healthcheck gates running; an unhealthy task is stopped and fails', async () => {
  const { worker, executor, sink } = await aWorker();
  const healthcheck = { Healthcheck: { Test: ['CMD', 'true'] } };
  worker.assign(complete(aTask('t1', {}, healthcheck)));
  await settle(worker);
  assert.equal(sink.last('t1')?.State, 'starting', 'held at starting until healthy');
  executor.setHealth('t1', 'healthy');
  await settle(worker);
  assert.equal(sink.last('t1')?.State, 'running');
  executor.setHealth('t1', 'unhealthy');
  await settle(worker);
  assert.equal(executor.count('stop', 't1'), 1);
  assert.equal(sink.last('t1')?.State, 'failed');
  assert.equal(sink.last('t1')?.Err, 'task: non-zero exit (143): dockerexec: unhealthy container');
  await worker.stop();
});

test('a task that never turns healthy stays starting; unhealthy while starting fails it', async () => {
  const { worker, executor, sink } = await aWorker();
  worker.assign(complete(aTask('t1', {}, { Healthcheck: { Test: ['CMD', 'false'] } })));
  await settle(worker);
  executor.setHealth('t1', 'unhealthy');
  await settle(worker);
  assert.deepEqual(sink.states('t1').slice(-2), ['starting', 'failed']);
  await worker.stop();
});

test('after a restart the worker adopts its running task: no twin, no new report', async () => {
  const stateDir = await tempStateDir();
  dirs.push(stateDir);
  const executor = new FakeExecutor();
  const first = await aWorker({ executor, stateDir });
  first.worker.assign(complete(aTask('t1')));
  await settle(first.worker);
  await first.worker.stop();
  const saved = JSON.parse(await readFile(join(stateDir, 'tasks.json'), 'utf8')) as {
    tasks: { status: { State: string } }[];
  };
  assert.equal(saved.tasks[0]?.status.State, 'running');

  const second = await aWorker({ executor, stateDir });
  // The managers' copy lags (they last saw `starting`): the true state is reported again.
  second.worker.assign(
    complete(aTask('t1', { Status: { State: 'starting', Message: 'starting' } })),
  );
  await settle(second.worker);
  assert.equal(executor.count('start', 't1'), 1, 'never started twice');
  assert.equal(executor.count('prepare', 't1'), 1);
  assert.deepEqual(second.sink.states('t1'), ['running']);
  executor.exit('t1', 0);
  await settle(second.worker);
  assert.equal(second.sink.last('t1')?.State, 'complete');
  await second.worker.stop();
});

test('without a saved list, a running container is reported as it truly is', async () => {
  const executor = new FakeExecutor();
  executor.adopt('t1', { state: 'running', health: 'none', pid: 42 });
  const { worker, sink } = await aWorker({ executor });
  worker.assign(complete(aTask('t1', { Status: { State: 'starting', Message: 'starting' } })));
  await settle(worker);
  assert.equal(executor.count('start', 't1'), 0);
  assert.deepEqual(sink.states('t1'), ['running']);
  assert.equal(sink.last('t1')?.ContainerStatus?.PID, 42);
  await worker.stop();
});

test('tasks no longer assigned, saved or found by the executor, are stopped and removed', async () => {
  const stateDir = await tempStateDir();
  dirs.push(stateDir);
  const executor = new FakeExecutor();
  const first = await aWorker({ executor, stateDir });
  first.worker.assign(complete(aTask('t1'), aTask('t2')));
  await settle(first.worker);
  await first.worker.stop();
  executor.adopt('stray', { state: 'running', health: 'none' });

  const { worker } = await aWorker({ executor, stateDir });
  assert.deepEqual(
    worker
      .tasks()
      .map((t) => t.id)
      .sort(),
    ['t1', 't2'],
  );
  worker.assign(complete(aTask('t2')));
  await settle(worker);
  assert.deepEqual([...executor.tasks.keys()], ['t2']);
  assert.equal(executor.count('stop', 't1'), 1);
  assert.equal(executor.count('remove', 'stray'), 1);
  assert.deepEqual(
    worker.tasks().map((t) => t.id),
    ['t2'],
  );
  await worker.stop();
});

test('a retryable executor error is retried after a backoff on the clock', async () => {
  const { worker, executor, sink, clock } = await aWorker();
  executor.failNext('prepare', new ShoalError('ENGINE_BUSY', 'engine busy', { retryable: true }));
  worker.assign(complete(aTask('t1')));
  await settle(worker);
  assert.equal(sink.last('t1')?.State, 'preparing', 'waits for the retry');
  clock.advance(199);
  await settle(worker);
  assert.equal(sink.last('t1')?.State, 'preparing');
  clock.advance(1);
  await settle(worker);
  assert.equal(sink.last('t1')?.State, 'running');
  assert.equal(executor.count('prepare', 't1'), 2);
  await worker.stop();
});

test('a terminal task from the managers is kept idle; desired remove leaves it alone', async () => {
  const { worker, executor, sink } = await aWorker();
  worker.assign(
    complete(aTask('old', { Status: { State: 'failed', Err: 'x' }, DesiredState: 'remove' })),
  );
  await settle(worker);
  assert.deepEqual(sink.reports, []);
  assert.equal(executor.count('stop', 'old'), 0);
  await worker.stop();
});

test('stopping with removeTasks (swarm leave) stops and removes every task', async () => {
  const executor = new FakeExecutor();
  executor.adopt('stray', { state: 'running', health: 'none' });
  const { worker } = await aWorker({ executor });
  worker.assign(complete(aTask('t1')));
  await settle(worker);
  await worker.stop({ removeTasks: true });
  assert.deepEqual([...executor.tasks.keys()], []);
  assert.equal(executor.count('stop', 't1'), 1);
});
