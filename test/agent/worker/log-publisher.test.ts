import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../src/base/logger.ts';
import { LogPublisher } from '../../../src/agent/worker/log-publisher.ts';
import type { PublishLogsRequest } from '../../../src/manager/logbroker/log-rpc-methods.ts';
import { FakeExecutor } from '../../support/fake-executor.ts';
import { aTask, aWorker, settle } from './worker-fixture.ts';

async function publishing(active = true) {
  const executor = new FakeExecutor();
  const { worker } = await aWorker({ executor });
  worker.assign({
    type: 'complete',
    updated: [aTask('a'), aTask('b'), aTask('c', { ServiceID: 'other' })],
    removed: [],
  });
  await settle(worker);
  const sent: PublishLogsRequest[] = [];
  const publisher = new LogPublisher({
    worker,
    executor,
    logger: silentLogger,
    publish: (request) => {
      sent.push(request);
      return Promise.resolve({ active });
    },
  });
  const texts = () =>
    sent.flatMap((r) =>
      r.messages.map((m) => `${m.taskId}:${Buffer.from(m.data, 'base64').toString()}`),
    );
  return { executor, worker, publisher, sent, texts };
}

test('a non-follow subscription sends the selected tasks’ logs, then closes', async () => {
  const { executor, worker, publisher, sent, texts } = await publishing();
  executor.write('a', 'one');
  executor.write('b', 'two');
  executor.write('c', 'other service');
  publisher.handle({ id: 's1', selector: { serviceIds: ['svc'], follow: false } });
  await settle(worker);
  assert.deepEqual(texts().sort(), ['a:one', 'b:two']);
  assert.equal(sent.at(-1)?.close, true);
  assert.equal(sent.filter((r) => r.close === true).length, 1);
  assert.equal(publisher.active, 0);
  await worker.stop();
});

test('a follow subscription streams new output and new tasks until closed', async () => {
  const { executor, worker, publisher, texts } = await publishing();
  publisher.handle({ id: 's1', selector: { serviceIds: ['other'], follow: true } });
  executor.write('c', 'x');
  await settle(worker);
  worker.assign({
    type: 'incremental',
    updated: [aTask('d', { ServiceID: 'other' })],
    removed: [],
  });
  await settle(worker);
  executor.write('d', 'y');
  await settle(worker);
  assert.deepEqual(texts(), ['c:x', 'd:y']);
  publisher.handle({ id: 's1', close: true });
  await settle(worker);
  executor.write('c', 'after');
  await settle(worker);
  assert.deepEqual(texts(), ['c:x', 'd:y']);
  assert.equal(publisher.active, 0);
  await worker.stop();
});

test('a subscription the broker dropped stops', async () => {
  const { executor, worker, publisher, sent } = await publishing(false);
  publisher.handle({ id: 's1', selector: { taskIds: ['a'], follow: true } });
  executor.write('a', 'x');
  await settle(worker);
  assert.equal(publisher.active, 0);
  executor.write('a', 'y');
  await settle(worker);
  assert.equal(sent.length, 1);
  await worker.stop();
});
