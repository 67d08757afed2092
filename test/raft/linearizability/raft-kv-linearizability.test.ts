import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../../../src/base/rng.ts';
import type { Rng } from '../../../src/base/rng.ts';
import { NodeCluster, waitFor } from '../node/node-cluster.ts';
import { HistoryRecorder, KvStateMachine, runClients } from './kv-harness.ts';
import type { ReadMode } from './kv-harness.ts';
import { checkKvHistory, describeHistory } from './kv-model.ts';

const IDS = [1, 2, 3] as const;
const KEYS = ['x', 'y'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cluster: NodeCluster<KvStateMachine> | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function startCluster(seed: number): Promise<NodeCluster<KvStateMachine>> {
  cluster = new NodeCluster({
    ids: IDS,
    seed,
    newStateMachine: () => new KvStateMachine(),
    // Small snapshots, so crashed and partitioned members also catch up by snapshot.
    node: { snapshotEntries: 40, catchUpEntries: 10 },
  });
  await cluster.start();
  await cluster.waitForLeader();
  return cluster;
}

/**
 * One fault at a time until `durationMs` passes: cut a random member off, isolate the
 * leader, or crash a member and restart it from its data dir. Everything heals at the end.
 */
async function nemesis(
  c: NodeCluster<KvStateMachine>,
  rng: Rng,
  durationMs: number,
): Promise<string[]> {
  const log: string[] = [];
  const end = performance.now() + durationMs - 400;
  while (performance.now() < end) {
    await sleep(150 + rng.int(250));
    const victim = IDS[rng.int(IDS.length)]!;
    const fault = rng.int(3);
    if (fault === 0) {
      c.network.partition(
        [victim],
        IDS.filter((id) => id !== victim),
      );
      log.push(`partition ${victim}`);
    } else if (fault === 1) {
      const leader = c.leader()?.id ?? victim;
      c.network.isolate(leader);
      log.push(`isolate leader ${leader}`);
    } else {
      await c.stopMember(victim);
      log.push(`crash ${victim}`);
    }
    await sleep(200 + rng.int(400));
    c.network.heal();
    if (!c.members.has(victim)) await c.startMember(victim);
  }
  return log;
}

async function checkedRun(seed: number, durationMs: number): Promise<void> {
  const c = await startCluster(seed);
  const rng = new SeededRng(seed);
  const history = new HistoryRecorder();
  const [, faults] = await Promise.all([
    runClients(c, history, {
      clients: 6,
      keys: KEYS,
      durationMs,
      timeoutMs: 300,
      mode: 'readIndex',
      rng: rng.fork('clients'),
    }),
    nemesis(c, rng.fork('nemesis'), durationMs),
  ]);
  const verdict = checkKvHistory(history.ops);
  const context = `seed ${seed}, faults: ${faults.join(', ')}; ${history.completed} completed, ${history.unknown} unknown`;
  assert.equal(
    verdict.verdict,
    'linearizable',
    `${context}\nkey ${verdict.key}:\n${describeHistory(verdict.operations ?? [])}`,
  );
  assert.ok(faults.length >= 3, context);
  assert.ok(history.completed >= 100, `too few operations completed: ${context}`);
  assert.ok(
    history.ops.some((op) => op.input.kind === 'read' && op.output !== 'x'),
    context,
  );
}

test('a replicated register stays linearizable through partitions and crashes (seed 1)', async () => {
  await checkedRun(1, 6_000);
});

test('a replicated register stays linearizable through partitions and crashes (seed 2)', async () => {
  await checkedRun(2, 6_000);
});

/**
 * A follower cut off from the others for the whole run, clients on every member. Returns
 * the checker's verdict over the history.
 */
async function partitionedFollowerRun(
  mode: ReadMode,
): Promise<{ verdict: string; detail: string }> {
  const c = await startCluster(5);
  const leader = await c.waitForLeader();
  const history = new HistoryRecorder();
  for (const key of KEYS)
    assert.ok(await history.run(c, 99, leader.id, { key, write: `initial-${key}` }, mode, 1_000));
  const stale = [...c.members.values()].find((m) => m.id !== leader.id)!;
  await waitFor(
    'the follower to apply the initial writes',
    2_000,
    () => stale.sm.get('y') === 'initial-y',
  );
  c.network.partition(
    [stale.id],
    IDS.filter((id) => id !== stale.id),
  );
  const rng = new SeededRng(5);
  await runClients(c, history, {
    clients: 6,
    keys: KEYS,
    durationMs: 1_500,
    timeoutMs: 200,
    mode,
    rng,
  });
  const verdict = checkKvHistory(history.ops);
  const staleReads = history.ops.filter(
    (op) => op.input.kind === 'read' && op.output?.startsWith('initial-'),
  ).length;
  return {
    verdict: verdict.verdict,
    detail: `${staleReads} reads of an initial value\n${describeHistory(verdict.operations ?? [])}`,
  };
}

test('reads served from a partitioned follower without ReadIndex are caught as not linearizable', async () => {
  const { verdict, detail } = await partitionedFollowerRun('localUnsafe');
  assert.equal(verdict, 'notLinearizable', detail);
});

test('the same partitioned-follower run with ReadIndex reads is linearizable', async () => {
  const { verdict, detail } = await partitionedFollowerRun('readIndex');
  assert.equal(verdict, 'linearizable', detail);
});
