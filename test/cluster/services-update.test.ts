// Rolling updates and rollbacks on three managers (real daemons, process executor; the
// managers run tasks too), shared by the tests below in order; the last one kills the leader
// in the middle of an update. A task's args are its command, so "sh -c 'exit 1'" is a new
// version that fails and "sleep 301" one that runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ClusterNode, TestCluster } from './harness.ts';
import { startCluster } from './harness.ts';
import type { ServiceJson, TaskJson } from './service-driver.ts';
import {
  describeTasks,
  inspectService,
  runningTasks,
  sh,
  shoal,
  tasksOf,
  waitForTasks,
} from './service-driver.ts';

const tracker = new ResourceTracker();
let cluster: TestCluster;
let leader: ClusterNode;
before(async () => {
  cluster = await startCluster({ managers: 3, tracker });
  leader = await cluster.leader();
});
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

const FAIL = "sh -c 'exit 1'";
/** Fast update and rollback settings: one slot at a time, failures seen within 1 s. */
const QUICK = [
  '--update-parallelism',
  '1',
  '--update-monitor',
  '1s',
  '--rollback-parallelism',
  '0',
  '--rollback-monitor',
  '500ms',
  '--restart-delay',
  '500ms',
];

function argsOf(task: TaskJson): string {
  return (task.Spec.ContainerSpec?.Args ?? []).join(' ');
}

async function create(name: string, replicas: number, ...flags: string[]): Promise<TaskJson[]> {
  await sh(
    leader,
    'service create -d --name',
    name,
    '--replicas',
    String(replicas),
    ...QUICK,
    ...flags,
    'busybox',
    'sleep',
    '300',
  );
  return waitTasks(name, `${replicas} running`, (tasks) => runningTasks(tasks).length === replicas);
}

function waitTasks(
  name: string,
  description: string,
  check: (tasks: TaskJson[]) => boolean,
  timeoutMs = 30_000,
): Promise<TaskJson[]> {
  return waitForTasks(cluster, () => cluster.api(leader), name, description, check, timeoutMs);
}

async function waitUpdateState(
  name: string,
  state: string,
  timeoutMs = 30_000,
): Promise<ServiceJson> {
  let last: ServiceJson | undefined;
  try {
    return await cluster.waitFor(
      `${name}'s UpdateStatus to be ${state}`,
      async () => {
        last = await inspectService(cluster.api(leader), name);
        return last.UpdateStatus?.State === state && last;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (err) {
    const tasks = await tasksOf(cluster.api(leader), name).catch(() => []);
    const status = JSON.stringify(last?.UpdateStatus);
    throw new Error(`${String(err)}\nUpdateStatus ${status}\ntasks:\n${describeTasks(tasks)}`, {
      cause: err,
    });
  }
}

function specArgs(service: ServiceJson): string {
  return (service.Spec.TaskTemplate.ContainerSpec?.Args ?? []).join(' ');
}

test('failure action pause: the first failing slot pauses the update, the others keep the old version', async () => {
  // The delay keeps the next slot from starting before the first one's failure is seen.
  await create('pz', 3, '--update-failure-action', 'pause', '--update-delay', '2s');
  const run = await shoal(leader, 'service', 'update', '--args', FAIL, 'pz');
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(
    run.stderr,
    /service update paused: update paused due to failure or early termination of task \w+/,
  );
  const service = await inspectService(cluster.api(leader), 'pz');
  assert.equal(service.UpdateStatus?.State, 'paused');
  assert.match(
    service.UpdateStatus?.Message ?? '',
    /^update paused due to failure or early termination of task \w+$/,
  );
  assert.equal(specArgs(service), FAIL.replaceAll("'", ''));
  const tasks = await tasksOf(cluster.api(leader), 'pz');
  const old = runningTasks(tasks).filter((t) => argsOf(t) === 'sleep 300');
  assert.equal(old.length, 2, 'two slots were never touched');
  const failed = tasks.filter((t) => argsOf(t) === 'sh -c exit 1' && t.Status.State === 'failed');
  assert.ok(failed.length >= 1);
  assert.equal(new Set(failed.map((t) => t.Slot)).size, 1, 'only one slot was updated');
  const pretty = await sh(leader, 'service inspect --pretty pz');
  assert.match(pretty, /UpdateStatus:\n\s+State:\s+paused/);
  await sh(leader, 'service rm pz');
});

test('failure action continue: every slot gets the new version and the update completes', async () => {
  await create('ct', 2, '--update-failure-action', 'continue');
  await sh(leader, 'service update -d --args', FAIL, 'ct');
  const done = await waitUpdateState('ct', 'completed');
  assert.equal(done.UpdateStatus?.Message, 'update completed');
  const tasks = await tasksOf(cluster.api(leader), 'ct');
  const current = tasks.filter((t) => t.DesiredState === 'running' || t.DesiredState === 'ready');
  assert.ok(current.length >= 2);
  assert.ok(
    current.every((t) => argsOf(t) === 'sh -c exit 1'),
    'both slots on the new version',
  );
  assert.equal(runningTasks(tasks).filter((t) => argsOf(t) === 'sleep 300').length, 0);
  await sh(leader, 'service rm ct');
});

test('failure action rollback: a failing update rolls back on its own to the previous spec', async () => {
  const before = await create(
    'rb',
    2,
    '--update-failure-action',
    'rollback',
    '--update-delay',
    '2s',
  );
  await sh(leader, 'service update -d --args', FAIL, 'rb');
  const back = await waitUpdateState('rb', 'rollback_completed');
  assert.equal(back.UpdateStatus?.Message, 'rollback completed');
  assert.equal(specArgs(back), 'sleep 300');
  // As in swarmkit, an automatic rollback drops the failed spec instead of keeping it.
  assert.equal(back.PreviousSpec, undefined);
  const tasks = await waitTasks(
    'rb',
    '2 running on the old version',
    (tasks) =>
      runningTasks(tasks).length === 2 &&
      runningTasks(tasks).every((t) => argsOf(t) === 'sleep 300'),
  );
  assert.ok(tasks.some((t) => argsOf(t) === 'sh -c exit 1' && t.Status.State === 'failed'));
  // The slot that was never updated kept its task.
  const kept = runningTasks(tasks).filter((t) => before.some((b) => b.ID === t.ID));
  assert.equal(kept.length, 1);
  await sh(leader, 'service rm rb');
});

test('a good update completes, and service rollback brings the previous image and args back', async () => {
  await create('mr', 2);
  await sh(leader, 'service update -d --image busybox:next --args', 'sleep 301', 'mr');
  const updated = await waitUpdateState('mr', 'completed');
  assert.equal(updated.UpdateStatus?.Message, 'update completed');
  await waitTasks(
    'mr',
    'both slots on sleep 301',
    (tasks) =>
      runningTasks(tasks).length === 2 &&
      runningTasks(tasks).every((t) => argsOf(t) === 'sleep 301'),
  );
  const ps = await sh(leader, 'service ps mr');
  assert.equal((ps.match(/ mr\.\d +busybox:next +\S+ +Running +Running/g) ?? []).length, 2, ps);
  assert.equal((ps.match(/\\_ mr\.\d +busybox +\S+ +Shutdown +Shutdown/g) ?? []).length, 2, ps);

  const out = await sh(leader, 'service rollback -d mr');
  assert.match(out, /^mr\n/);
  const started = await inspectService(cluster.api(leader), 'mr');
  assert.match(started.UpdateStatus?.State ?? '', /^rollback_(started|completed)$/);
  const back = await waitUpdateState('mr', 'rollback_completed');
  assert.equal(specArgs(back), 'sleep 300');
  assert.equal(
    (back.Spec.TaskTemplate.ContainerSpec as { Image?: string } | undefined)?.Image,
    'busybox',
  );
  await waitTasks(
    'mr',
    'both slots back on sleep 300',
    (tasks) =>
      runningTasks(tasks).length === 2 &&
      runningTasks(tasks).every((t) => argsOf(t) === 'sleep 300'),
  );
  await sh(leader, 'service rm mr');
});

test('an update in progress survives a SIGKILLed leader and finishes on the new one', async () => {
  await create('lk', 3, '--update-delay', '3s');
  await sh(leader, 'service update -d --args', 'sleep 302', 'lk');
  // Kill the leader once the first slot runs the new version and the delay holds the rest.
  const first = await waitTasks('lk', 'one slot on sleep 302', (tasks) =>
    runningTasks(tasks).some((t) => argsOf(t) === 'sleep 302'),
  );
  const mid = await inspectService(cluster.api(leader), 'lk');
  assert.equal(mid.UpdateStatus?.State, 'updating');
  assert.equal(runningTasks(first).filter((t) => argsOf(t) === 'sleep 302').length, 1);
  const updatedFirst = runningTasks(first).find((t) => argsOf(t) === 'sleep 302');
  const old = leader;
  await cluster.kill(old);
  leader = await cluster.leader(20_000);
  assert.notEqual(leader, old);
  const done = await waitUpdateState('lk', 'completed', 45_000);
  assert.equal(done.UpdateStatus?.Message, 'update completed');
  const tasks = await waitTasks(
    'lk',
    '3 slots on sleep 302, off the dead node',
    (tasks) => {
      const live = runningTasks(tasks);
      return (
        live.length === 3 && live.every((t) => argsOf(t) === 'sleep 302' && t.NodeID !== old.id)
      );
    },
    30_000,
  );
  assert.deepEqual(
    runningTasks(tasks)
      .map((t) => t.Slot)
      .sort(),
    [1, 2, 3],
  );
  if (updatedFirst?.NodeID !== old.id) {
    // The new leader continued the update: the slot done before the kill was not redone.
    const kept = runningTasks(tasks).some((t) => t.ID === updatedFirst?.ID);
    assert.ok(kept, `first updated task ${updatedFirst?.ID} kept:\n${describeTasks(tasks)}`);
  }
});
