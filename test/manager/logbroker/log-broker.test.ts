import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskLogMessage } from '../../../src/api/objects/log-message.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { LogBroker } from '../../../src/manager/logbroker/log-broker.ts';
import type {
  LogSubscriptionMessage,
  WireLogMessage,
} from '../../../src/manager/logbroker/log-rpc-methods.ts';
import { clusterStore } from '../support/control-fixtures.ts';
import { createTasks, settle, storedTask } from '../dispatcher/task-fixtures.ts';

async function broker() {
  const { store } = clusterStore();
  await createTasks(
    store,
    storedTask('a', 'n1'),
    storedTask('b', 'n2'),
    storedTask('c', 'n2', { ServiceID: 'other' }),
  );
  const logs = new LogBroker({ store, logger: silentLogger });
  logs.start();
  return { store, logs };
}

/** Reads a listen stream into an array as it goes. */
function record(items: AsyncIterable<LogSubscriptionMessage>): LogSubscriptionMessage[] {
  const seen: LogSubscriptionMessage[] = [];
  void (async () => {
    for await (const item of items) seen.push(item);
  })().catch(() => {});
  return seen;
}

const chunk = (taskId: string, text: string): WireLogMessage => ({
  taskId,
  stream: 'stdout',
  timestamp: '2024-01-01T00:00:00.000000000Z',
  data: Buffer.from(text).toString('base64'),
});

const accept = () => {};

async function collect(items: AsyncIterable<TaskLogMessage>): Promise<string[]> {
  const out: string[] = [];
  for await (const m of items)
    out.push(`${m.nodeId}/${m.taskId}: ${Buffer.from(m.data).toString()}`);
  return out;
}

test('a non-follow subscription reaches the nodes of the selected tasks and ends when all close', async () => {
  const { logs } = await broker();
  const n1 = record(logs.listen('n1', new AbortController().signal));
  const n2 = record(logs.listen('n2', new AbortController().signal));
  const reader = new AbortController();
  const done = collect(logs.subscribe({ serviceIds: ['svc'], follow: false }, reader.signal));
  await settle();
  assert.equal(n1.length, 1);
  assert.deepEqual(n2, n1, 'both nodes hold a task of the service');
  const id = n1[0]!.id;
  assert.equal(await logs.publish('n1', id, [chunk('a', 'one')], true, accept), true);
  assert.equal(
    await logs.publish('n2', id, [chunk('b', 'two'), chunk('c', 'not selected')], false, accept),
    true,
  );
  assert.equal(await logs.publish('n2', id, [], true, accept), false);
  assert.deepEqual(await done, ['n1/a: one', 'n2/b: two']);
  assert.deepEqual(logs.openCount.subscriptions, 0);
});

test('a node that is not listening, or stops listening, counts as done', async () => {
  const { logs } = await broker();
  const n1Stop = new AbortController();
  const n1 = record(logs.listen('n1', n1Stop.signal));
  const done = collect(
    logs.subscribe({ taskIds: ['a', 'b'], follow: false }, new AbortController().signal),
  );
  await settle();
  await logs.publish('n1', n1[0]!.id, [chunk('a', 'partial')], false, accept);
  n1Stop.abort();
  assert.deepEqual(await done, ['n1/a: partial']);
});

test('a follow subscription lasts until its reader stops, and reaches nodes given tasks later', async () => {
  const { store, logs } = await broker();
  const n3 = record(logs.listen('n3', new AbortController().signal));
  const n1 = record(logs.listen('n1', new AbortController().signal));
  const reader = new AbortController();
  const seen: string[] = [];
  const reading = (async () => {
    for await (const m of logs.subscribe({ taskIds: ['a', 'late'], follow: true }, reader.signal)) {
      seen.push(Buffer.from(m.data).toString());
    }
  })();
  await settle();
  assert.equal(n3.length, 0);
  await createTasks(store, storedTask('late', 'n3'));
  await settle();
  assert.equal(n3.length, 1, 'the node of a new selected task is told');
  await logs.publish('n3', n3[0]!.id, [chunk('late', 'x')], true, accept);
  await logs.publish('n1', n1[0]!.id, [chunk('a', 'y')], true, accept);
  await settle();
  assert.deepEqual(seen, ['x', 'y'], 'a close does not end a follow subscription');
  reader.abort();
  await reading;
  await settle();
  assert.deepEqual(n1.at(-1), { id: n1[0]!.id, close: true }, 'nodes hear the reader left');
  assert.equal(await logs.publish('n1', n1[0]!.id, [chunk('a', 'z')], false, accept), false);
});

test('a listener learns the active subscriptions when it connects; stop ends everything', async () => {
  const { logs } = await broker();
  const reading = collect(
    logs.subscribe({ taskIds: ['a'], follow: true }, new AbortController().signal),
  );
  const n1 = record(logs.listen('n1', new AbortController().signal));
  await settle();
  assert.equal(n1.length, 1);
  logs.stop();
  await assert.rejects(reading, { code: 'MANAGER_NOT_LEADER' });
  assert.throws(() => logs.subscribe({ follow: false }, new AbortController().signal), {
    code: 'MANAGER_NOT_LEADER',
  });
});

test("publishing another node's task is refused by the caller's check", async () => {
  const { logs } = await broker();
  const n1 = record(logs.listen('n1', new AbortController().signal));
  void collect(
    logs.subscribe({ taskIds: ['a'], follow: true }, new AbortController().signal),
  ).catch(() => {});
  await settle();
  const check = (task: { NodeID?: string } | undefined) => {
    if (task?.NodeID !== 'n1') throw new Error('not yours');
  };
  await assert.rejects(
    logs.publish('n1', n1[0]!.id, [chunk('b', 'forged')], false, check),
    /not yours/,
  );
  logs.stop();
});
