import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTracker } from '../support/resource-tracker.ts';
import { listNodes, startCluster, tryLabelWrite } from './harness.ts';

const tracker = new ResourceTracker();
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

test('3 managers and 2 workers form by tokens, and survive a SIGKILLed leader', async () => {
  const cluster = await startCluster({ managers: 3, workers: 2, tracker });
  const leader = await cluster.leader();

  const nodes = await listNodes(cluster.api(leader));
  assert.equal(nodes.length, 5);
  assert.deepEqual(
    nodes.map((n) => n.Status.State),
    ['ready', 'ready', 'ready', 'ready', 'ready'],
  );
  const managers = nodes.filter((n) => n.ManagerStatus !== undefined);
  assert.equal(managers.length, 3);
  assert.deepEqual(
    managers
      .map((n) => `${n.ManagerStatus?.Leader === true} ${n.ManagerStatus?.Reachability}`)
      .sort(),
    ['false reachable', 'false reachable', 'true reachable'],
  );
  assert.equal(managers.find((n) => n.ManagerStatus?.Leader)?.ID, leader.id);

  await cluster.kill(leader);
  const survivors = cluster.managers().filter((m) => m !== leader);
  const next = await cluster.waitFor(
    'a surviving manager to accept a label write',
    async () => {
      for (const m of survivors) {
        if (await tryLabelWrite(cluster.api(m), m.id, 'failover', 'ok')) return m;
      }
      return undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  assert.equal((await cluster.leader(5_000)).id, next.id);
  const labelled = (await listNodes(cluster.api(next))).find((n) => n.ID === next.id);
  assert.equal(labelled?.Spec.Labels?.['failover'], 'ok');

  const dead = await cluster.waitFor(
    'the killed leader to show down and unreachable',
    async () => {
      const node = (await listNodes(cluster.api(next))).find((n) => n.ID === leader.id);
      const gone =
        node?.Status.State === 'down' && node.ManagerStatus?.Reachability === 'unreachable';
      return gone && node;
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
  assert.equal(dead.ManagerStatus?.Leader, undefined);
});
