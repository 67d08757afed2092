// Replicated services, placement, restart policies, jobs and logs on one cluster of a manager
// and two workers (real daemons, process executor), shared by the tests below in order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ClusterNode, TestCluster } from './harness.ts';
import { startCluster } from './harness.ts';
import { liveTaskProcesses } from './task-process-reaper.ts';
import type { TaskJson } from './service-driver.ts';
import { runningTasks, sh, tasksOf } from './service-driver.ts';

const tracker = new ResourceTracker();
let cluster: TestCluster;
let manager: ClusterNode;
before(async () => {
  cluster = await startCluster({ managers: 1, workers: 2, tracker });
  manager = await cluster.leader();
});
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

const bin = new URL('../../bin/shoal.js', import.meta.url).pathname;

function hostOf(id: string | undefined): string {
  return cluster.nodes.find((n) => n.id === id)?.hostname ?? `?${id}`;
}

/** Waits until service `name` has exactly `n` tasks observed and desired running. */
function waitRunning(name: string, n: number, timeoutMs = 20_000): Promise<TaskJson[]> {
  return cluster.waitFor(
    `${n} running tasks of ${name}`,
    async () => {
      const running = runningTasks(await tasksOf(cluster.api(manager), name));
      return running.length === n && running;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** The IDs of the task processes alive on every node. */
async function liveProcessIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const node of cluster.nodes) {
    for (const id of (await liveTaskProcesses(node.process.dir)).keys()) ids.add(id);
  }
  return ids;
}

test('create spreads replicas over the nodes; scale up and down stops the highest slots', async () => {
  await sh(manager, 'service create -d --name web --replicas 3 busybox sleep 300');
  const three = await waitRunning('web', 3);
  assert.deepEqual(three.map((t) => t.Slot).sort(), [1, 2, 3]);
  assert.deepEqual(
    three.map((t) => hostOf(t.NodeID)).sort(),
    ['manager-1', 'worker-1', 'worker-2'],
    'one replica per node',
  );
  const live = await liveProcessIds();
  for (const t of three) assert.ok(live.has(t.ID), `a process runs for task ${t.ID}`);

  await sh(manager, 'service scale -d web=5');
  const five = await waitRunning('web', 5);
  assert.deepEqual(five.map((t) => t.Slot).sort(), [1, 2, 3, 4, 5]);
  const perNode = new Map<string, number>();
  for (const t of five) perNode.set(hostOf(t.NodeID), (perNode.get(hostOf(t.NodeID)) ?? 0) + 1);
  assert.deepEqual([...perNode.values()].sort(), [1, 2, 2], 'spread: 2, 2, 1');

  await sh(manager, 'service scale -d web=2');
  // As in Swarm, scaled-down tasks are desired `remove`, and the reaper deletes them once
  // stopped: neither they nor their processes remain.
  await cluster.waitFor(
    'slots 3..5 of web to be stopped and deleted',
    async () => {
      const tasks = await tasksOf(cluster.api(manager), 'web');
      const gone = tasks.filter((t) => (t.Slot ?? 0) > 2);
      for (const t of gone) assert.equal(t.DesiredState, 'remove');
      return gone.length === 0;
    },
    { intervalMs: 100 },
  );
  const left = await tasksOf(cluster.api(manager), 'web');
  assert.deepEqual(
    runningTasks(left)
      .map((t) => t.Slot)
      .sort(),
    [1, 2],
  );
  assert.equal(left.length, 2);
  const stillLive = await liveProcessIds();
  assert.deepEqual(
    five
      .filter((t) => stillLive.has(t.ID))
      .map((t) => t.Slot)
      .sort(),
    [1, 2],
    'only the processes of slots 1 and 2 still run',
  );

  const ps = await sh(manager, 'service ps web');
  const lines = ps.trim().split('\n');
  assert.match(
    lines[0] ?? '',
    /^ID +NAME +IMAGE +NODE +DESIRED STATE +CURRENT STATE +ERROR +PORTS$/,
  );
  assert.equal(lines.length, 3, ps);
  for (const slot of [1, 2]) {
    assert.match(ps, new RegExp(`web\\.${slot} +busybox +(manager|worker)-\\d +Running +Running`));
  }
  const ls = await sh(manager, 'service ls');
  assert.match(ls, /web +replicated +2\/2 +busybox/);
  await sh(manager, 'service rm web');
});

test('constraints on node labels and role; pending with the reason when no node fits', async () => {
  const [w1] = cluster.nodes.filter((n) => n.role === 'worker');
  assert.ok(w1);
  await sh(manager, 'node update --label-add zone=east', w1.hostname);
  await sh(
    manager,
    'service create -d --name east --replicas 2 --constraint node.labels.zone==east busybox sleep 300',
  );
  await sh(
    manager,
    'service create -d --name workers --replicas 3 --constraint node.role==worker busybox sleep 300',
  );
  await sh(
    manager,
    'service create -d --name mars --replicas 1 --constraint node.labels.zone==mars busybox sleep 300',
  );

  const east = await waitRunning('east', 2);
  assert.deepEqual(
    east.map((t) => hostOf(t.NodeID)),
    [w1.hostname, w1.hostname],
  );
  const workers = await waitRunning('workers', 3);
  assert.ok(workers.every((t) => hostOf(t.NodeID).startsWith('worker-')));

  const reason = 'no suitable node (scheduling constraints not satisfied on 3 nodes)';
  const pending = await cluster.waitFor('the mars task to be pending with a reason', async () => {
    const [task] = await tasksOf(cluster.api(manager), 'mars');
    return task?.Status.State === 'pending' && task.Status.Err !== undefined && task;
  });
  assert.equal(pending.Status.Err, reason);
  assert.equal(pending.NodeID ?? '', '');
  const ps = await sh(manager, 'service ps --no-trunc mars');
  assert.match(
    ps,
    /mars\.1 +busybox +Running +Pending .* +"no suitable node \(scheduling constraints not satisfied on 3 nodes\)"/,
  );

  // Relabelling the node lets the pending task go, and the constraint enforcer rejects the
  // tasks that no longer fit there: their processes stop and their slots wait for a node.
  await sh(manager, 'node update --label-add zone=mars', w1.hostname);
  const placed = await waitRunning('mars', 1);
  assert.equal(hostOf(placed[0]?.NodeID), w1.hostname);
  const evicted = await cluster.waitFor(
    'the east tasks rejected, their slots pending',
    async () => {
      const tasks = await tasksOf(cluster.api(manager), 'east');
      const old = tasks.filter((t) => east.some((e) => e.ID === t.ID));
      const fresh = tasks.filter((t) => !east.some((e) => e.ID === t.ID));
      const rejected = old.every((t) => t.Status.State === 'rejected');
      return rejected && fresh.length === 2 && fresh.every((t) => t.Status.Err === reason) && tasks;
    },
  );
  for (const t of evicted.filter((t) => east.some((e) => e.ID === t.ID))) {
    assert.equal(t.Status.Message, 'task rejected by constraint enforcer');
    assert.equal(t.Status.Err, 'assigned node no longer meets constraints');
    assert.notEqual(t.DesiredState, 'running');
  }
  await cluster.waitFor("the rejected tasks' processes to stop", async () => {
    const live = await liveProcessIds();
    return east.every((t) => !live.has(t.ID));
  });
  for (const name of ['east', 'workers', 'mars']) await sh(manager, 'service rm', name);
});

/** Waits until service `name` has `n` tasks, all failed and none desired running. */
function waitAllFailed(name: string, n: number): Promise<TaskJson[]> {
  return cluster.waitFor(
    `${n} failed tasks of ${name}, none to run again`,
    async () => {
      const tasks = await tasksOf(cluster.api(manager), name);
      const settled = tasks.every(
        (t) => t.Status.State === 'failed' && t.DesiredState !== 'running',
      );
      return tasks.length === n && settled && tasks;
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

test('restart policies: on-failure with 2 attempts makes exactly 3 tasks; none makes 1', async () => {
  await sh(
    manager,
    'service create -d --name flaky --restart-condition on-failure --restart-max-attempts 2 --restart-delay 100ms busybox sh -c',
    'exit 1',
  );
  await sh(
    manager,
    'service create -d --name once --restart-condition none busybox sh -c',
    'exit 1',
  );
  const flaky = await waitAllFailed('flaky', 3);
  for (const t of flaky) {
    assert.equal(t.Slot, 1);
    assert.equal(t.Status.Err, 'task: non-zero exit (1)');
    assert.equal(t.Status.ContainerStatus?.ExitCode, 1);
  }
  const once = await waitAllFailed('once', 1);
  assert.equal(once[0]?.Status.Err, 'task: non-zero exit (1)');
  // A success restarts nothing either under on-failure: a task that exits 0 stays complete.
  await sh(
    manager,
    'service create -d --name fine --restart-condition on-failure --restart-delay 100ms busybox true',
  );
  const fine = await cluster.waitFor('the fine task to complete', async () => {
    const tasks = await tasksOf(cluster.api(manager), 'fine');
    return tasks.length === 1 && tasks[0]?.Status.State === 'complete' && tasks;
  });
  assert.equal(fine.length, 1);
  // By now every earlier failure was seen and decided on: still no fourth or second task.
  assert.equal((await tasksOf(cluster.api(manager), 'flaky')).length, 3);
  assert.equal((await tasksOf(cluster.api(manager), 'once')).length, 1);
  const ls = await sh(manager, 'service ls');
  assert.match(ls, /flaky +replicated +0\/1 /);
  // `service ps` shows the slot's history, newest first, older tasks as ` \_ flaky.1`.
  const ps = (await sh(manager, 'service ps flaky')).trim().split('\n').slice(1);
  assert.equal(ps.length, 3, ps.join('\n'));
  assert.match(
    ps[0] ?? '',
    /^\w+ +flaky\.1 +busybox +\S+ +Shutdown +Failed .* +"task: non-zero exit \(1\)"/,
  );
  for (const line of ps.slice(1)) {
    assert.match(
      line,
      /^\w+ +\\_ flaky\.1 +busybox +\S+ +Shutdown +Failed .* +"task: non-zero exit \(1\)"/,
    );
  }
  for (const name of ['flaky', 'once', 'fine']) await sh(manager, 'service rm', name);
});

test('a replicated job runs to completion at most --max-concurrent at a time; a global job once per node', async () => {
  await sh(
    manager,
    'service create -d --name batch --mode replicated-job --replicas 4 --max-concurrent 2 busybox sh -c',
    'sleep 1',
  );
  await sh(manager, 'service create -d --name everywhere --mode global-job busybox true');
  let most = 0;
  const done = await cluster.waitFor(
    '4 completed tasks of the batch job',
    async () => {
      const tasks = await tasksOf(cluster.api(manager), 'batch');
      const active = tasks.filter((t) =>
        ['assigned', 'accepted', 'preparing', 'ready', 'starting', 'running'].includes(
          t.Status.State,
        ),
      );
      most = Math.max(most, active.length);
      const complete = tasks.filter((t) => t.Status.State === 'complete');
      return complete.length === 4 && tasks;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  assert.ok(most <= 2, `at most 2 tasks at once, saw ${most}`);
  assert.equal(done.length, 4);
  // Job slots are 0-based, as in swarmkit.
  assert.deepEqual(done.map((t) => t.Slot).sort(), [0, 1, 2, 3]);
  assert.ok(done.every((t) => t.DesiredState === 'complete'));

  const global = await cluster.waitFor('a completed global-job task on each node', async () => {
    const tasks = await tasksOf(cluster.api(manager), 'everywhere');
    return tasks.length === 3 && tasks.every((t) => t.Status.State === 'complete') && tasks;
  });
  assert.deepEqual(global.map((t) => hostOf(t.NodeID)).sort(), [
    'manager-1',
    'worker-1',
    'worker-2',
  ]);
  const ls = await sh(manager, 'service ls');
  // As swarmkit counts: none running, MaxConcurrent desired, 4 of 4 completed.
  assert.match(ls, /batch +replicated job +0\/2 \(4\/4 completed\)/);
  assert.match(ls, /everywhere +global job +0\/0 \(3\/3 completed\)/);
  for (const name of ['batch', 'everywhere']) await sh(manager, 'service rm', name);
});

test('service logs merges tasks on several nodes with prefixes, honours --tail, and -f follows', async () => {
  await sh(
    manager,
    'service create -d --name talk --replicas 3 busybox sh -c',
    'echo hello from $HOSTNAME; i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.5; done',
  );
  const tasks = await waitRunning('talk', 3);
  const prefix = (t: TaskJson): string => `talk.${t.Slot}.${t.ID}@${hostOf(t.NodeID)}`;
  const logs = await cluster.waitFor('a tick from every task in service logs', async () => {
    const out = await sh(manager, 'service logs --no-trunc talk');
    return tasks.every((t) => new RegExp(`^${prefix(t)} +\\| tick 1$`, 'm').test(out)) && out;
  });
  for (const t of tasks) assert.match(logs, new RegExp(`^${prefix(t)} +\\| hello from `, 'm'));
  for (const line of logs.trim().split('\n'))
    assert.match(line, /^talk\.[123]\.\w+@(manager|worker)-\d +\| /);

  const tail = await sh(manager, 'service logs --no-trunc --tail 1 talk');
  const tailLines = tail.trim().split('\n');
  assert.equal(tailLines.length, 3, tail);
  assert.deepEqual(tailLines.map((l) => l.split(' ')[0]).sort(), tasks.map(prefix).sort());
  assert.ok(tailLines.every((l) => / \| tick \d+$/.test(l)));

  const follow = spawn(
    process.execPath,
    [
      bin,
      '-H',
      `unix://${manager.process.api.socketPath}`,
      'service',
      'logs',
      '-f',
      '--tail',
      '0',
      '--no-task-ids',
      'talk',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: {} },
  );
  tracker.process(follow, 'service logs -f');
  let followed = '';
  follow.stdout.setEncoding('utf8').on('data', (chunk: string) => (followed += chunk));
  const seen = await cluster.waitFor(
    'service logs -f to show new ticks from every node',
    () => {
      const hosts = new Set(
        [...followed.matchAll(/^talk\.\d@(\S+) +\| tick \d+$/gm)].map((m) => m[1]),
      );
      return hosts.size === 3 && followed;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  assert.doesNotMatch(seen, /hello from/, '--tail 0 shows only new lines');
  // A task started after the stream opened is followed too.
  await sh(manager, 'service scale -d talk=4');
  await cluster.waitFor(
    'service logs -f to show the new slot 4',
    // Its first lines may precede the read (`--tail 0` applies to it too, as in swarmkit).
    () => /^talk\.4@\S+ +\| tick \d+$/m.test(followed),
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  follow.kill('SIGTERM');
  await sh(manager, 'service rm talk');
});
