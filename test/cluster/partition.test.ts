import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ClusterNode, TestCluster } from './harness.ts';
import { listNodes, startCluster, tryLabelWrite } from './harness.ts';
import { isolationAvailable } from './isolated-network.ts';

const tracker = new ResourceTracker();
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

/** Whether `node` sees itself as the leader. */
async function leadsInOwnView(cluster: TestCluster, node: ClusterNode): Promise<boolean> {
  const nodes = await listNodes(cluster.api(node)).catch(() => []);
  return nodes.some((n) => n.ID === node.id && n.ManagerStatus?.Leader === true);
}

test('a leader cut off from both followers steps down, they elect another, and it rejoins on heal', async (t) => {
  if (!(await isolationAvailable())) {
    // Network namespaces need root; the loopback harness cannot cut links.
    t.diagnostic('not root: partitions need network namespaces, nothing to run');
    return;
  }
  const cluster = await startCluster({ managers: 3, tracker, isolated: true });
  const old = await cluster.leader();
  const followers = cluster.managers().filter((m) => m !== old);
  for (const f of followers) await cluster.partition(old, f);

  const next = await cluster.waitFor(
    'a follower to lead the majority side',
    async () => {
      for (const f of followers) if (await leadsInOwnView(cluster, f)) return f;
      return undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  assert.ok(
    await cluster.waitFor('a write on the majority side', () =>
      tryLabelWrite(cluster.api(next), next.id, 'majority', 'yes'),
    ),
  );
  await cluster.waitFor(
    'the cut-off leader to step down (check-quorum)',
    async () => !(await leadsInOwnView(cluster, old)),
    { timeoutMs: 15_000, intervalMs: 100 },
  );

  await cluster.heal();
  await cluster.waitFor('the old leader to follow and catch up', async () => {
    const node = (await listNodes(cluster.api(old))).find((n) => n.ID === next.id);
    return node?.Spec.Labels?.['majority'] === 'yes' && node.ManagerStatus?.Leader === true;
  });
  assert.ok(
    await cluster.waitFor('a write through the old leader', () =>
      tryLabelWrite(cluster.api(old), old.id, 'healed', 'yes'),
    ),
  );
  const nodes = await listNodes(cluster.api(await cluster.leader()));
  assert.equal(nodes.filter((n) => n.ManagerStatus?.Reachability === 'reachable').length, 3);
});
