// Services as nodes come and go: global services following joins and drains, and a worker
// SIGKILLed and brought back. One cluster (a manager, two workers, a third joining later) of
// real daemons with the process executor, shared by the tests below in order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ClusterNode, TestCluster } from './harness.ts';
import { listNodes, startCluster } from './harness.ts';
import { liveTaskProcesses } from './task-process-reaper.ts';
import type { TaskJson } from './service-driver.ts';
import { runningPerSlot, runningTasks, sh, waitForTasks } from './service-driver.ts';

const tracker = new ResourceTracker();
let cluster: TestCluster;
let manager: ClusterNode;
before(async () => {
  cluster = await startCluster({ managers: 1, workers: 2, tracker });
  manager = await cluster.leader();
  await sh(manager, 'swarm update --dispatcher-heartbeat 500ms');
});
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

function hostOf(id: string | undefined): string {
  return cluster.nodes.find((n) => n.id === id)?.hostname ?? `?${id}`;
}

function nodeNamed(hostname: string): ClusterNode {
  const node = cluster.nodes.find((n) => n.hostname === hostname);
  assert.ok(node, hostname);
  return node;
}

/** Waits until `check` holds for the tasks of service `name`, and returns them. */
function waitTasks(
  name: string,
  description: string,
  check: (tasks: TaskJson[]) => boolean,
  timeoutMs = 20_000,
): Promise<TaskJson[]> {
  return waitForTasks(cluster, () => cluster.api(manager), name, description, check, timeoutMs);
}

function hostsRunning(tasks: readonly TaskJson[]): string[] {
  return runningTasks(tasks)
    .map((t) => hostOf(t.NodeID))
    .sort();
}

test('a global service runs one task per node, follows a join, and leaves a drained node', async () => {
  await sh(manager, 'service create -d --name agent --mode global busybox sleep 300');
  await waitTasks(
    'agent',
    'a task on each of 3 nodes',
    (tasks) => hostsRunning(tasks).join() === 'manager-1,worker-1,worker-2',
  );

  const joined = await cluster.addWorker();
  assert.equal(joined.hostname, 'worker-3');
  const four = await waitTasks(
    'agent',
    'a task on the new node too',
    (tasks) => hostsRunning(tasks).join() === 'manager-1,worker-1,worker-2,worker-3',
  );
  assert.equal(four.length, 4, 'no node got two');
  const onJoined = four.find((t) => t.NodeID === joined.id);
  assert.ok(onJoined);
  assert.ok((await liveTaskProcesses(joined.process.dir)).has(onJoined.ID));

  await sh(manager, 'node update --availability drain', joined.hostname);
  const drained = await waitTasks('agent', "the drained node's task shut down", (tasks) => {
    const task = tasks.find((t) => t.ID === onJoined.ID);
    return task?.Status.State === 'shutdown';
  });
  assert.deepEqual(hostsRunning(drained), ['manager-1', 'worker-1', 'worker-2']);
  assert.notEqual(drained.find((t) => t.ID === onJoined.ID)?.DesiredState, 'running');
  assert.equal(
    (await liveTaskProcesses(joined.process.dir)).size,
    0,
    'no process left on the drained node',
  );
  assert.ok(
    drained.every((t) => t.NodeID !== joined.id || t.ID === onJoined.ID),
    'no new task on the drained node',
  );

  // Back to active, the global service places a task there again.
  await sh(manager, 'node update --availability active', joined.hostname);
  await waitTasks(
    'agent',
    'a new task on the reactivated node',
    (tasks) => hostsRunning(tasks).join() === 'manager-1,worker-1,worker-2,worker-3',
  );
  await sh(manager, 'service rm agent');
  await cluster.waitFor('every agent process to end', async () => {
    for (const node of cluster.nodes)
      if ((await liveTaskProcesses(node.process.dir)).size > 0) return false;
    return true;
  });
});

test("a SIGKILLed worker's tasks move to other nodes; when it returns its old tasks stop, never doubled", async () => {
  // Keep the new node out, so the killed worker's tasks have exactly two places to go.
  await sh(manager, 'node update --availability drain worker-3');
  await sh(manager, 'service create -d --name keep --replicas 4 busybox sleep 300');
  const before = await waitTasks('keep', '4 running', (tasks) => runningTasks(tasks).length === 4);
  const victim = nodeNamed('worker-1');
  const lost = runningTasks(before).filter((t) => t.NodeID === victim.id);
  assert.ok(lost.length >= 1, 'the spread put a task on worker-1');

  await cluster.kill(victim);
  const killedAt = Date.now();
  const moved = await waitTasks(
    'keep',
    'the lost slots running again on other nodes',
    (tasks) => {
      const live = runningTasks(tasks);
      return live.length === 4 && live.every((t) => t.NodeID !== victim.id);
    },
    15_000,
  );
  const tookMs = Date.now() - killedAt;
  assert.ok(tookMs < 10_000, `replaced in ${tookMs} ms`);
  const down = (await listNodes(cluster.api(manager))).find((n) => n.ID === victim.id);
  assert.equal(down?.Status.State, 'down');
  for (const old of lost) {
    const now = moved.find((t) => t.ID === old.ID);
    assert.notEqual(now?.DesiredState, 'running', `old task ${old.ID} is no longer wanted`);
    const twin = runningTasks(moved).find((t) => t.Slot === old.Slot);
    assert.ok(twin && twin.ID !== old.ID && twin.NodeID !== victim.id, `slot ${old.Slot} replaced`);
  }
  // The process executor's tasks outlive their daemon, as containers do.
  const orphaned = await liveTaskProcesses(victim.process.dir);
  assert.ok(lost.every((t) => orphaned.has(t.ID)));

  await cluster.restart(victim);
  let most = 0;
  const settled = await waitTasks('keep', "the returned worker's old tasks shut down", (tasks) => {
    for (const n of runningPerSlot(tasks.filter((t) => t.DesiredState === 'running')).values())
      most = Math.max(most, n);
    const old = tasks.filter((t) => lost.some((l) => l.ID === t.ID));
    return old.every((t) => t.Status.State === 'shutdown') && runningTasks(tasks).length === 4;
  });
  assert.equal(most, 1, 'never two tasks wanted running in one slot');
  assert.deepEqual([...runningPerSlot(settled).entries()].sort(), [
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 1],
  ]);
  assert.ok(
    runningTasks(settled).every((t) => t.NodeID !== victim.id),
    'tasks do not move back',
  );
  await cluster.waitFor('the old processes on the returned worker to end', async () => {
    const live = await liveTaskProcesses(victim.process.dir);
    return lost.every((t) => !live.has(t.ID));
  });
  const ready = await cluster.waitFor('the returned worker to be ready', async () => {
    const node = (await listNodes(cluster.api(manager))).find((n) => n.ID === victim.id);
    return node?.Status.State === 'ready' && node;
  });
  assert.equal(ready.Status.State, 'ready');

  // `service update --force` spreads the slots again, onto the returned worker too.
  await sh(manager, 'service update -d --force --update-parallelism 0 keep');
  await waitTasks(
    'keep',
    'a task back on worker-1 after --force',
    (tasks) =>
      runningTasks(tasks).length === 4 && runningTasks(tasks).some((t) => t.NodeID === victim.id),
  );
});

test('a constrained global service follows label changes; pending reasons count a drained node', async () => {
  // worker-3 is still drained from the test before.
  await sh(manager, 'service rm keep');
  await sh(
    manager,
    'service create -d --name gpu --mode global --constraint node.labels.gpu==yes busybox sleep 300',
  );
  await sh(manager, 'node update --label-add gpu=yes worker-2');
  await waitTasks(
    'gpu',
    'a task on the labelled node only',
    (tasks) => hostsRunning(tasks).join() === 'worker-2',
  );
  await sh(manager, 'node update --label-add gpu=yes worker-1');
  const both = await waitTasks(
    'gpu',
    'a task on both labelled nodes',
    (tasks) => hostsRunning(tasks).join() === 'worker-1,worker-2',
  );
  assert.equal(both.length, 2);
  const onW2 = both.find((t) => hostOf(t.NodeID) === 'worker-2');
  assert.ok(onW2);

  await sh(manager, 'node update --label-rm gpu worker-2');
  const after = await waitTasks('gpu', "the unlabelled node's task stopped", (tasks) => {
    // Stopped, or already stopped and deleted by the reaper (desired `remove`).
    const task = tasks.find((t) => t.ID === onW2.ID);
    if (task === undefined) return true;
    return task.DesiredState !== 'running' && ['shutdown', 'rejected'].includes(task.Status.State);
  });
  assert.deepEqual(hostsRunning(after), ['worker-1']);
  await cluster.waitFor(
    "the unlabelled node's process to end",
    async () => !(await liveTaskProcesses(nodeNamed('worker-2').process.dir)).has(onW2.ID),
  );

  await sh(
    manager,
    'service create -d --name nowhere --constraint node.labels.gpu==no busybox sleep 300',
  );
  const [pending] = await waitTasks(
    'nowhere',
    'a pending task with a reason',
    (tasks) => tasks[0]?.Status.State === 'pending' && tasks[0].Status.Err !== undefined,
  );
  assert.equal(
    pending?.Status.Err,
    'no suitable node (scheduling constraints not satisfied on 3 nodes; 1 node not available for new tasks)',
  );
  for (const name of ['gpu', 'nowhere']) await sh(manager, 'service rm', name);
});
