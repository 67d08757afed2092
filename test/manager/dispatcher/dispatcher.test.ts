import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECOND } from '../../../src/api/defaults.ts';
import { Dispatcher } from '../../../src/manager/dispatcher/dispatcher.ts';
import { registerNode, removeNode } from '../../../src/manager/controlapi/nodes.ts';
import { getSwarm, updateSwarm } from '../../../src/manager/controlapi/swarm.ts';
import { nodes } from '../../../src/store/tables.ts';
import { controlDeps, initializedStore, rejection } from '../support/control-fixtures.ts';

/** Lets the proposer-less store settle the writes a timer started. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
});

async function started() {
  const fixture = await initializedStore();
  await registerNode(fixture.store, { nodeId: 'w1', role: 'worker' });
  dispatcher = new Dispatcher({ store: fixture.store, clock: fixture.clock });
  dispatcher.start();
  await settle();
  return { ...fixture, dispatcher };
}

test('a new leader moves every node to unknown, then heartbeats make them ready', async () => {
  const { store, dispatcher } = await started();
  const m1 = store.get(nodes, 'manager-1')!;
  assert.equal(m1.Status.State, 'unknown');
  assert.equal(
    m1.Status.Message,
    'Node moved to "unknown" state due to leadership change in cluster',
  );
  const response = await dispatcher.heartbeat('w1', { Hostname: 'worker-one' });
  assert.deepEqual(response, { periodMs: 5_000, role: 'worker' });
  const w1 = store.get(nodes, 'w1')!;
  assert.equal(w1.Status.State, 'ready');
  assert.equal(w1.Description?.Hostname, 'worker-one');
});

test('a node silent for three periods goes down with "heartbeat failure"', async () => {
  const { store, clock, dispatcher } = await started();
  await dispatcher.heartbeat('w1');
  clock.advance(14_999);
  await settle();
  assert.equal(store.get(nodes, 'w1')?.Status.State, 'ready');
  clock.advance(1);
  await settle();
  assert.deepEqual(store.get(nodes, 'w1')?.Status, { State: 'down', Message: 'heartbeat failure' });
  // The leader-change grace is twice as long: manager-1 is still unknown, until 30 s.
  assert.equal(store.get(nodes, 'manager-1')?.Status.State, 'unknown');
  clock.advance(15_000);
  await settle();
  assert.equal(store.get(nodes, 'manager-1')?.Status.State, 'down');

  await dispatcher.heartbeat('w1');
  assert.equal(store.get(nodes, 'w1')?.Status.State, 'ready');
});

test('heartbeats keep a node ready; the period follows the cluster spec', async () => {
  const { store, clock, dispatcher } = await started();
  for (let i = 0; i < 5; i++) {
    await dispatcher.heartbeat('w1');
    clock.advance(10_000);
    await settle();
    assert.equal(store.get(nodes, 'w1')?.Status.State, 'ready', `round ${i}`);
  }
  const version = getSwarm(store).Version.Index;
  await updateSwarm(store, { Dispatcher: { HeartbeatPeriod: SECOND } }, version, {}, controlDeps());
  assert.deepEqual(await dispatcher.heartbeat('w1'), { periodMs: 1_000, role: 'worker' });
  clock.advance(3_000);
  await settle();
  assert.equal(store.get(nodes, 'w1')?.Status.State, 'down');
});

test('heartbeats from unknown, removed nodes and to a stopped dispatcher are refused', async () => {
  const { store, dispatcher } = await started();
  assert.equal((await rejection(dispatcher.heartbeat('ghost'))).code, 'NODE_NOT_FOUND');
  await removeNode(store, 'w1', true);
  assert.deepEqual(await rejection(dispatcher.heartbeat('w1')), {
    code: 'CA_NODE_REMOVED',
    message: 'Permission denied: node w1 was removed from swarm',
  });
  await dispatcher.stop();
  assert.equal((await rejection(dispatcher.heartbeat('manager-1'))).code, 'MANAGER_NOT_LEADER');
});

test('jittered periods come from the injected randomness', async () => {
  const { store, clock } = await initializedStore();
  dispatcher = new Dispatcher({ store, clock, random: () => 0 });
  dispatcher.start();
  assert.deepEqual(await dispatcher.heartbeat('manager-1'), { periodMs: 4_500, role: 'manager' });
});

/** Opens `nodeId`'s assignments stream and reads its first message; returns the closer. */
async function openStream(dispatcher: Dispatcher, nodeId: string) {
  const client = new AbortController();
  const iterator = dispatcher.assignments(nodeId, client.signal)[Symbol.asyncIterator]();
  await iterator.next();
  const drained = (async () => {
    for (;;) if ((await iterator.next()).done === true) return;
  })();
  return {
    close: async () => {
      client.abort();
      await drained;
    },
  };
}

test('a node whose stream drops is disconnected at once and down after one period', async () => {
  const { store, clock, dispatcher } = await started();
  await dispatcher.heartbeat('w1');
  const stream = await openStream(dispatcher, 'w1');
  await stream.close();
  await settle();
  assert.deepEqual(store.get(nodes, 'w1')?.Status, {
    State: 'disconnected',
    Message: 'node is currently trying to find new manager',
  });
  clock.advance(4_999);
  await settle();
  assert.equal(store.get(nodes, 'w1')?.Status.State, 'disconnected');
  clock.advance(1);
  await settle();
  assert.deepEqual(store.get(nodes, 'w1')?.Status, { State: 'down', Message: 'heartbeat failure' });
});

test('a node that reconnects within the period stays up; a second stream covers the first', async () => {
  const { store, clock, dispatcher } = await started();
  await dispatcher.heartbeat('w1');
  const first = await openStream(dispatcher, 'w1');
  const second = await openStream(dispatcher, 'w1');
  await first.close();
  await settle();
  assert.equal(store.get(nodes, 'w1')?.Status.State, 'ready');
  await second.close();
  await settle();
  assert.equal(store.get(nodes, 'w1')?.Status.State, 'disconnected');
  clock.advance(2_000);
  await dispatcher.heartbeat('w1');
  const again = await openStream(dispatcher, 'w1');
  clock.advance(10_000);
  await settle();
  assert.equal(store.get(nodes, 'w1')?.Status.State, 'ready');
  await again.close();
});
