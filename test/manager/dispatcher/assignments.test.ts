import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameButStatus, streamAssignments } from '../../../src/manager/dispatcher/assignments.ts';
import type { AssignmentsMessage } from '../../../src/manager/dispatcher/task-rpc-methods.ts';
import { tasks } from '../../../src/store/tables.ts';
import { clusterStore } from '../support/control-fixtures.ts';
import { changeTask, createTasks, settle, storedTask } from './task-fixtures.ts';

async function opened() {
  const { store, clock } = clusterStore();
  await createTasks(
    store,
    storedTask('a1', 'n1'),
    storedTask('a2', 'n1', { Status: { State: 'failed', Err: 'x' }, DesiredState: 'shutdown' }),
    storedTask('p1', 'n1', { Status: { State: 'pending' } }),
    storedTask('b1', 'n2'),
    storedTask('u1', undefined, { Status: { State: 'pending' } }),
  );
  const abort = new AbortController();
  const stream = streamAssignments(store, 'n1', { clock, signal: abort.signal });
  const first = await stream.next();
  /** The next message, after letting the batch window of 100 ms pass on the clock. */
  const next = async (): Promise<AssignmentsMessage | undefined> => {
    const pending = stream.next();
    await settle();
    clock.advance(100);
    const result = await pending;
    return result.done === true ? undefined : result.value;
  };
  return { store, clock, abort, stream, first: first.value, next };
}

const ids = (m: AssignmentsMessage | undefined) => m?.updated.map((t) => t.id).sort();

test('the first message is the complete set: tasks of the node at assigned or later', async () => {
  const { first, abort } = await opened();
  assert.equal(first?.type, 'complete');
  assert.deepEqual(ids(first), ['a1', 'a2']);
  assert.deepEqual(first?.removed, []);
  abort.abort();
});

test('changes follow as incremental batches; status-only echoes are not sent', async () => {
  const { store, next, abort } = await opened();
  await changeTask(store, 'a1', (t) => ({
    ...t,
    Status: { State: 'running', Message: 'started' },
  }));
  await changeTask(store, 'a1', (t) => ({ ...t, DesiredState: 'shutdown' }));
  await changeTask(store, 'p1', (t) => ({ ...t, Status: { State: 'assigned' } }));
  await createTasks(store, storedTask('a3', 'n1'), storedTask('b2', 'n2'));
  await store.update((tx) => tx.delete(tasks, 'a2'));
  const message = await next();
  assert.equal(message?.type, 'incremental');
  assert.deepEqual(ids(message), ['a1', 'a3', 'p1']);
  assert.equal(message?.updated.find((t) => t.id === 'a1')?.DesiredState, 'shutdown');
  assert.deepEqual(message?.removed, ['a2']);

  // Only a status change: nothing is sent, the next message carries the next real change.
  await changeTask(store, 'a3', (t) => ({ ...t, Status: { State: 'accepted' } }));
  await changeTask(store, 'a3', (t) => ({ ...t, DesiredState: 'remove' }));
  assert.deepEqual(ids(await next()), ['a3']);
  abort.abort();
});

test('a batch holds at most 100 changes and waits 100 ms for more', async () => {
  const { store, stream, clock, abort } = await opened();
  const many = Array.from({ length: 150 }, (_, i) => storedTask(`m${i}`, 'n1'));
  await createTasks(store, ...many);
  const first = await stream.next();
  assert.equal(first.value?.updated.length, 100, 'a full batch goes at once');
  const second = stream.next();
  let done = false;
  void second.then(() => (done = true));
  await settle();
  clock.advance(99);
  await settle();
  assert.equal(done, false, 'the rest waits for the window');
  clock.advance(1);
  assert.equal((await second).value?.updated.length, 50);
  abort.abort();
});

test('aborting ends the stream and closes the store watch', async () => {
  const { store, stream, abort } = await opened();
  const pending = stream.next();
  abort.abort();
  assert.equal((await pending).done, true);
  assert.equal(store.watcherCount, 0);
});

test('sameButStatus ignores Status and meta only', () => {
  const a = storedTask('x', 'n1');
  assert.equal(
    sameButStatus(a, { ...a, Status: { State: 'running' }, meta: { ...a.meta, version: 9 } }),
    true,
  );
  assert.equal(sameButStatus(a, { ...a, DesiredState: 'shutdown' }), false);
  assert.equal(sameButStatus(a, { ...a, Spec: { ContainerSpec: { Image: 'busybox' } } }), true);
  assert.equal(sameButStatus(a, { ...a, Spec: { ContainerSpec: { Image: 'nginx' } } }), false);
});
