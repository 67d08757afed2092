import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { TaskLogMessage } from '../../../src/api/objects/log-message.ts';
import { SystemClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { notLeader } from '../../../src/manager/controlapi/control-errors.ts';
import { registerNode } from '../../../src/manager/controlapi/nodes.ts';
import { getSwarm, updateSwarm } from '../../../src/manager/controlapi/swarm.ts';
import { Dispatcher } from '../../../src/manager/dispatcher/dispatcher.ts';
import { registerDispatcherRpc } from '../../../src/manager/dispatcher/rpc-handlers.ts';
import { updateTaskStatusMethod } from '../../../src/manager/dispatcher/task-rpc-methods.ts';
import { subscribeLogsMethod } from '../../../src/manager/logbroker/log-rpc-methods.ts';
import { NodeAgent } from '../../../src/daemon/swarm/node-agent.ts';
import { nodes, raftMembers, tasks } from '../../../src/store/tables.ts';
import { FakeExecutor } from '../../support/fake-executor.ts';
import { waitFor } from '../../support/wait-for.ts';
import { TestPki } from '../../manager/rpc/cluster-fixture.ts';
import {
  controlDeps,
  initializedStore,
  rejection,
} from '../../manager/support/control-fixtures.ts';
import { changeTask, createTasks, storedTask } from '../../manager/dispatcher/task-fixtures.ts';
import { tempStateDir } from '../../agent/worker/worker-fixture.ts';

const pki = await TestPki.create(47);
const dirs: string[] = [];
after(async () => {
  await pki.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A leader (dispatcher on a proposer-less store) serving the cluster port over mTLS. */
async function leader() {
  const { store } = await initializedStore();
  const clock = new SystemClock();
  await registerNode(store, { nodeId: 'w1', role: 'worker' });
  await registerNode(store, { nodeId: 'w2', role: 'worker' });
  const dispatcher = new Dispatcher({ store, clock });
  dispatcher.start();
  pki.defer(() => dispatcher.stop());
  const { listener, rpc } = await pki.listener(await pki.identity('m1', 'manager'));
  await store.update((tx) => {
    tx.update(raftMembers, { ...tx.get(raftMembers, '1')!, Addr: listener.address });
  });
  registerDispatcherRpc(rpc, {
    store,
    raftView: { leader: () => 1 },
    heartbeat: (nodeId, description) => dispatcher.heartbeat(nodeId, description),
    dispatcher: () => dispatcher,
  });
  return { store, dispatcher, address: listener.address, clock };
}

async function agentOn(address: string, nodeId: string, executor: FakeExecutor, workerDir: string) {
  const identity = await pki.identity(nodeId, 'worker');
  const agent = new NodeAgent(
    {
      clusterId: pki.clusterId,
      identity: () => identity,
      managers: [address],
      hostname: `host-${nodeId}`,
      engineVersion: 'test',
      executor: () => executor,
      workerDir,
    },
    { clock: new SystemClock(), logger: silentLogger, random: () => 0.5 },
  );
  agent.start();
  pki.defer(() => agent.stop());
  await agent.ready();
  return agent;
}

test('a task assigned in the store runs on its node; statuses, description and logs flow back', async () => {
  const { store, dispatcher, address } = await leader();
  const executor = new FakeExecutor();
  const dir = await tempStateDir();
  dirs.push(dir);
  const agent = await agentOn(address, 'w1', executor, dir);

  const description = await waitFor('the executor facts in the node', () => {
    const labels = store.get(nodes, 'w1')?.Description?.Engine?.Labels;
    return labels?.['executor'] === 'process' && store.get(nodes, 'w1')?.Description;
  });
  assert.equal(description.Hostname, 'host-w1');
  assert.deepEqual(description.Engine?.Labels, { executor: 'process', zone: 'test' });
  assert.deepEqual(description.Resources, { NanoCPUs: 4e9, MemoryBytes: 8 * 1024 ** 3 });

  await createTasks(store, storedTask('t1', 'w1'), storedTask('t2', 'w2'));
  const running = await waitFor('t1 running in the store', () => {
    const status = store.get(tasks, 't1')?.Status;
    return status?.State === 'running' && status;
  });
  assert.equal(running.Message, 'started');
  assert.equal(executor.count('start', 't1'), 1);
  assert.equal(executor.tasks.has('t2'), false, "another node's task never reaches w1");

  // Logs of the task, read through the leader's broker, and through logs.subscribe.
  executor.write('t1', 'hello\n');
  executor.write('t1', 'oops\n', 'stderr');
  const read: TaskLogMessage[] = [];
  for await (const m of dispatcher.logs.subscribe(
    { taskIds: ['t1'], follow: false },
    new AbortController().signal,
  )) {
    read.push(m);
  }
  assert.deepEqual(
    read.map((m) => [m.nodeId, m.serviceId, m.stream, Buffer.from(m.data).toString()]),
    [
      ['w1', 'svc', 'stdout', 'hello\n'],
      ['w1', 'svc', 'stderr', 'oops\n'],
    ],
  );
  const follower = pki.client(await pki.identity('m2', 'manager'));
  const viaRpc: string[] = [];
  for await (const m of follower.stream(address, subscribeLogsMethod, {
    taskIds: ['t1'],
    follow: false,
    tail: 1,
  })) {
    viaRpc.push(`${m.nodeId} ${Buffer.from(m.data, 'base64').toString()}`);
  }
  assert.deepEqual(viaRpc, ['w1 oops\n']);

  // The desired state goes to shutdown: the agent stops it and says so.
  await changeTask(store, 't1', (t) => ({ ...t, DesiredState: 'shutdown' }));
  await waitFor('t1 shut down', () => store.get(tasks, 't1')?.Status.State === 'shutdown');
  assert.equal(agent.worker()?.statusOf('t1')?.State, 'shutdown');
});

test("another node cannot update a node's task over the wire", async () => {
  const { store, address } = await leader();
  await createTasks(store, storedTask('t1', 'w1'));
  const intruder = pki.client(await pki.identity('w2', 'worker'));
  const error = await rejection(
    intruder.call(address, updateTaskStatusMethod, {
      updates: [{ taskId: 't1', status: { State: 'failed', Err: 'forged' } }],
    }),
  );
  assert.equal(error.code, 'TASK_NOT_ASSIGNED');
  assert.equal(store.get(tasks, 't1')?.Status.State, 'assigned');
});

test('the agent follows a leader change: assignments and statuses move to the new leader', async () => {
  const { store } = await initializedStore();
  const clock = new SystemClock();
  await registerNode(store, { nodeId: 'w1', role: 'worker' });
  const version = getSwarm(store).Version.Index;
  const fast = { Dispatcher: { HeartbeatPeriod: 200_000_000 } };
  await updateSwarm(store, fast, version, {}, controlDeps());
  const leading = { id: 2 };
  const dispatchers = new Map([1, 2].map((id) => [id, new Dispatcher({ store, clock })]));
  pki.defer(() => Promise.all([...dispatchers.values()].map((d) => d.stop())));
  dispatchers.get(2)!.start();
  const addresses: string[] = [];
  for (const id of [1, 2]) {
    const { listener, rpc } = await pki.listener(await pki.identity(`m${id}`, 'manager'));
    addresses.push(listener.address);
    const own = dispatchers.get(id)!;
    registerDispatcherRpc(rpc, {
      store,
      raftView: { leader: () => leading.id },
      heartbeat: (nodeId, description) =>
        leading.id === id ? own.heartbeat(nodeId, description) : Promise.reject(notLeader()),
      dispatcher: () => (leading.id === id ? own : undefined),
    });
  }
  await store.update((tx) => {
    tx.update(raftMembers, { ...tx.get(raftMembers, '1')!, Addr: addresses[0]! });
    tx.create(raftMembers, { id: '2', RaftID: 2, NodeID: 'm2', Addr: addresses[1]! });
  });
  const executor = new FakeExecutor();
  const dir = await tempStateDir();
  dirs.push(dir);
  // The agent knows only m1, which redirects it to the leader, m2.
  await agentOn(addresses[0]!, 'w1', executor, dir);
  await createTasks(store, storedTask('t1', 'w1'));
  await waitFor('t1 running via m2', () => store.get(tasks, 't1')?.Status.State === 'running');

  await dispatchers.get(2)!.stop();
  leading.id = 1;
  dispatchers.get(1)!.start();
  await createTasks(store, storedTask('t2', 'w1'));
  await waitFor('t2 running via m1', () => store.get(tasks, 't2')?.Status.State === 'running', {
    timeoutMs: 15_000,
  });
  assert.equal(executor.count('start', 't1'), 1, "the new leader's complete set starts no twin");
});
