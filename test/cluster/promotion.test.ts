// Promotion and demotion of real daemon processes, driven by the shoal CLI as a user would:
// one manager and one worker, carried through promote/demote cycles in order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ClusterNode, TestCluster } from './harness.ts';
import { startCluster, tryLabelWrite } from './harness.ts';
import { runningTasks, shoal, shoalOk, tasksOf } from './service-driver.ts';
import { liveTaskProcesses } from './task-process-reaper.ts';

const tracker = new ResourceTracker();
let cluster: TestCluster;
let manager: ClusterNode;
let worker: ClusterNode;
/** The task pinned to the worker before its first promotion; it must run through every change. */
let pinnedTask: string;
before(async () => {
  cluster = await startCluster({ managers: 1, workers: 1, tracker });
  manager = await cluster.leader();
  const found = cluster.nodes.find((n) => n.role === 'worker');
  assert.ok(found);
  worker = found;
});
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

/** A promotion waits for the node's certificate check (every 5 s), Raft catch-up and a sweep. */
const ROLE_TIMEOUT = { timeoutMs: 40_000, intervalMs: 250 };

/** One `node ls` row as the table shows it, by column title. */
type Row = Readonly<Record<string, string>>;

/** Parses `node ls` output: columns start where their titles do (the table is padded). */
function parseTable(text: string): Row[] {
  const [header, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  if (header === undefined) return [];
  const titles = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({
    title: m[0],
    start: m.index,
  }));
  return lines.map((line) => {
    const row: Record<string, string> = {};
    titles.forEach(({ title, start }, i) => {
      const end = titles[i + 1]?.start ?? line.length;
      row[title] = line.slice(start, end).trim();
    });
    return row;
  });
}

/** `node ls` on `via`, as rows keyed by hostname (the self marker `*` is kept in `ID`). */
async function nodeLs(via: ClusterNode): Promise<Map<string, Row>> {
  const rows = parseTable(await shoalOk(via, 'node', 'ls'));
  return new Map(rows.map((r) => [r['HOSTNAME'] ?? '', r]));
}

async function waitManagerStatus(via: ClusterNode, node: ClusterNode, want: string): Promise<void> {
  await cluster.waitFor(
    `node ls on ${via.hostname} to show ${node.hostname} Ready with MANAGER STATUS "${want}"`,
    async () => {
      const row = (await nodeLs(via)).get(node.hostname);
      return row?.['STATUS'] === 'Ready' && row['MANAGER STATUS'] === want;
    },
    ROLE_TIMEOUT,
  );
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function waitPromoted(): Promise<void> {
  await waitManagerStatus(manager, worker, 'Reachable');
  // Its own replica may still be catching up right after it started: wait for the full view.
  await cluster.waitFor(
    `node ls on ${worker.hostname} to mark itself and show the leader`,
    async () => {
      if ((await shoal(worker, 'node', 'ls')).code !== 0) return false;
      const self = await nodeLs(worker);
      return (
        self.get(worker.hostname)?.['ID']?.endsWith('*') === true &&
        self.get(manager.hostname)?.['MANAGER STATUS'] === 'Leader'
      );
    },
    ROLE_TIMEOUT,
  );
}

/** Asserts the pinned task still runs on the worker: same task, same live process. */
async function assertPinnedTaskRuns(): Promise<void> {
  const running = runningTasks(await tasksOf(cluster.api(manager), 'pinned'));
  assert.deepEqual(
    running.map((t) => t.ID),
    [pinnedTask],
  );
  assert.ok((await liveTaskProcesses(worker.process.dir)).has(pinnedTask), 'its process lives');
}

test('node promote: the worker becomes a reachable manager that serves node ls and writes; its task runs on', async () => {
  const before = await nodeLs(manager);
  assert.equal(before.get(manager.hostname)?.['MANAGER STATUS'], 'Leader');
  assert.equal(before.get(worker.hostname)?.['MANAGER STATUS'], '');
  await shoalOk(
    manager,
    'service',
    'create',
    '-d',
    '--name',
    'pinned',
    '--constraint',
    `node.hostname==${worker.hostname}`,
    'busybox',
    'sleep',
    '300',
  );
  pinnedTask = await cluster.waitFor(
    'the pinned task to run on the worker',
    async () => runningTasks(await tasksOf(cluster.api(manager), 'pinned'))[0]?.ID,
  );
  const notManager = await shoal(worker, 'node', 'ls');
  assert.notEqual(notManager.code, 0);
  assert.match(notManager.stderr, /This node is not a swarm manager/);

  assert.equal(
    await shoalOk(manager, 'node', 'promote', worker.hostname),
    `Node ${worker.hostname} promoted to a manager in the swarm.\n`,
  );
  await waitPromoted();
  assert.ok(
    await cluster.waitFor('a write through the promoted manager', () =>
      tryLabelWrite(cluster.api(worker), manager.id, 'via', 'promoted'),
    ),
  );
  await assertPinnedTaskRuns();
});

test('node demote: the manager is a worker again, ready, its Raft data gone, its task running; the last manager stays', async () => {
  assert.equal(
    await shoalOk(manager, 'node', 'demote', worker.hostname),
    `Manager ${worker.hostname} demoted in the swarm.\n`,
  );
  await waitManagerStatus(manager, worker, '');
  // The role is recorded last, after the manager stopped and its data was removed.
  await cluster.waitFor(
    `${worker.hostname} to answer as a worker`,
    async () => (await cluster.api(worker).call('GET', '/_ping')).headers.swarm === 'active/worker',
    ROLE_TIMEOUT,
  );
  const refused = await shoal(worker, 'node', 'ls');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /This node is not a swarm manager/);
  const dataDir = join(worker.process.dir, 'data');
  assert.equal(await exists(join(dataDir, 'raft')), false, 'Raft data removed');
  assert.equal(
    await exists(join(dataDir, 'certificates', 'swarm-manager-keys.json')),
    false,
    'manager keys removed',
  );

  const last = await shoal(manager, 'node', 'demote', manager.hostname);
  assert.notEqual(last.code, 0);
  assert.match(last.stderr, /attempting to demote the last manager of the swarm/);
  assert.equal((await nodeLs(manager)).get(manager.hostname)?.['MANAGER STATUS'], 'Leader');
  await assertPinnedTaskRuns();
});

test('promote again, SIGKILLed midway: the restarted node still becomes a reachable manager', async () => {
  await shoalOk(manager, 'node', 'promote', worker.hostname);
  await cluster.kill(worker);
  await cluster.restart(worker);
  await waitPromoted();

  // And a last demotion brings the cluster back to one manager.
  await shoalOk(manager, 'node', 'demote', worker.hostname);
  await waitManagerStatus(manager, worker, '');
  const managers = [...(await nodeLs(manager)).values()].filter((r) => r['MANAGER STATUS']);
  assert.deepEqual(
    managers.map((r) => r['HOSTNAME']),
    [manager.hostname],
  );
});
