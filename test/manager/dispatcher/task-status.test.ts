import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskStatus } from '../../../src/api/objects/task.ts';
import { registerNode } from '../../../src/manager/controlapi/nodes.ts';
import { Dispatcher } from '../../../src/manager/dispatcher/dispatcher.ts';
import { tasks } from '../../../src/store/tables.ts';
import { initializedStore, rejection } from '../support/control-fixtures.ts';
import { createTasks, settle, storedTask } from './task-fixtures.ts';

let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
});

async function started(options: { orphanAfterMs?: number } = {}) {
  const fixture = await initializedStore();
  await registerNode(fixture.store, { nodeId: 'w1', role: 'worker' });
  await registerNode(fixture.store, { nodeId: 'w2', role: 'worker' });
  await createTasks(
    fixture.store,
    storedTask('t1', 'w1'),
    storedTask('t2', 'w1', { Status: { State: 'complete', Message: 'finished' } }),
    storedTask('t3', 'w2'),
  );
  dispatcher = new Dispatcher({ store: fixture.store, clock: fixture.clock, ...options });
  dispatcher.start();
  await settle();
  /** Reports, lets the 100 ms batch window pass, and waits for the write. */
  const report = async (nodeId: string, taskId: string, status: TaskStatus): Promise<void> => {
    const done = dispatcher!.updateTaskStatus(nodeId, [{ taskId, status }]);
    await settle();
    fixture.clock.advance(100);
    await done;
  };
  return { ...fixture, dispatcher, report };
}

const running: TaskStatus = { State: 'running', Message: 'started', Timestamp: 'T1' };

test('a status report of the node’s own task lands in the store after the batch window', async () => {
  const { store, clock, dispatcher } = await started();
  let written = false;
  const done = dispatcher.updateTaskStatus('w1', [{ taskId: 't1', status: running }]);
  void done.then(() => (written = true));
  await settle();
  clock.advance(99);
  await settle();
  assert.equal(written, false);
  assert.equal(store.get(tasks, 't1')?.Status.State, 'assigned');
  clock.advance(1);
  await done;
  assert.deepEqual(store.get(tasks, 't1')?.Status, running);
});

test('a report never moves a state backwards; reports on deleted tasks are dropped', async () => {
  const { store, report } = await started();
  await report('w1', 't1', running);
  await report('w1', 't1', { State: 'accepted', Message: 'accepted' });
  assert.deepEqual(store.get(tasks, 't1')?.Status, running);
  await report('w1', 'gone', running);
  // The managers' own states are not the agent's to report.
  await report('w1', 't1', { State: 'orphaned' });
  assert.equal(store.get(tasks, 't1')?.Status.State, 'running');
});

test('within one batch the highest state wins', async () => {
  const { store, clock, dispatcher } = await started();
  const a = dispatcher.updateTaskStatus('w1', [{ taskId: 't1', status: running }]);
  const b = dispatcher.updateTaskStatus('w1', [{ taskId: 't1', status: { State: 'starting' } }]);
  await settle();
  clock.advance(100);
  await Promise.all([a, b]);
  assert.equal(store.get(tasks, 't1')?.Status.State, 'running');
});

test("another node cannot update a node's task: TASK_NOT_ASSIGNED, nothing written", async () => {
  const { store, dispatcher } = await started();
  const error = await rejection(
    dispatcher.updateTaskStatus('w2', [
      { taskId: 't3', status: running },
      { taskId: 't1', status: { State: 'failed', Err: 'forged' } },
    ]),
  );
  assert.deepEqual(error, {
    code: 'TASK_NOT_ASSIGNED',
    message: 'cannot update a task not assigned this node: task t1',
  });
  assert.equal(store.get(tasks, 't1')?.Status.State, 'assigned');
  assert.equal(store.get(tasks, 't3')?.Status.State, 'assigned');
});

test('a stopped dispatcher refuses reports and ends assignment streams with MANAGER_NOT_LEADER', async () => {
  const { dispatcher } = await started();
  const queued = dispatcher.updateTaskStatus('w1', [{ taskId: 't1', status: running }]);
  const stream = dispatcher.assignments('w1', new AbortController().signal)[Symbol.asyncIterator]();
  const first = await stream.next();
  assert.equal(first.done === true ? undefined : first.value.type, 'complete');
  const pending = stream.next();
  await dispatcher.stop();
  assert.equal((await rejection(queued)).code, 'MANAGER_NOT_LEADER');
  assert.equal((await rejection(pending)).code, 'MANAGER_NOT_LEADER');
  const refused = dispatcher.updateTaskStatus('w1', [{ taskId: 't1', status: running }]);
  assert.equal((await rejection(refused)).code, 'MANAGER_NOT_LEADER');
  assert.throws(() => dispatcher.assignments('w1', new AbortController().signal), {
    code: 'MANAGER_NOT_LEADER',
  });
});

test('assignments of an unknown node are refused', async () => {
  const { dispatcher } = await started();
  assert.throws(() => dispatcher.assignments('ghost', new AbortController().signal), {
    code: 'NODE_NOT_FOUND',
  });
});

test('a node down for 24 h has its live tasks orphaned; a heartbeat in time saves them', async () => {
  const hour = 3_600_000;
  const { store, clock, dispatcher } = await started({ orphanAfterMs: 24 * hour });
  await dispatcher.heartbeat('w1');
  await dispatcher.heartbeat('w2');
  clock.advance(15_000);
  await settle();
  assert.equal(store.get(tasks, 't1')?.Status.State, 'assigned');
  clock.advance(23 * hour);
  await dispatcher.heartbeat('w2');
  clock.advance(hour);
  await settle();
  assert.equal(store.get(tasks, 't1')?.Status.State, 'orphaned', 'w1 was down 24 h');
  assert.equal(store.get(tasks, 't2')?.Status.State, 'complete', 'a finished task stays');
  assert.equal(store.get(tasks, 't3')?.Status.State, 'assigned', 'w2 came back in time');
});
