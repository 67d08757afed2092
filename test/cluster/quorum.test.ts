import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ApiClient, ApiReply } from '../support/api-client.ts';
import type { NodeJson } from './harness.ts';
import { listNodes, startCluster, tryLabelWrite } from './harness.ts';

const tracker = new ResourceTracker();
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

const NO_LEADER =
  "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

/** One label write on node `nodeId` through `api`, returning the reply whatever its status. */
async function labelWrite(api: ApiClient, nodeId: string, key: string): Promise<ApiReply> {
  const node = (await api.ok('GET', `/nodes/${nodeId}`)) as NodeJson;
  const spec = { ...node.Spec, Labels: { ...node.Spec.Labels, [key]: 'x' } };
  return api.call('POST', `/nodes/${nodeId}/update?version=${node.Version.Index}`, spec);
}

test('without quorum writes fail at once and reads answer; --force-new-cluster restores the survivor with all its state', async () => {
  // Short ticks: the survivor notices the lost leader within 0.5–1 s.
  const cluster = await startCluster({ managers: 3, workers: 1, tracker, raftTickMs: 50 });
  const leader = await cluster.leader();
  const worker = cluster.nodes.find((n) => n.role === 'worker');
  assert.ok(worker);
  assert.ok(await tryLabelWrite(cluster.api(leader), worker.id, 'kept', 'yes'));
  const before = await cluster.swarm(leader);
  const nodesBefore = (await listNodes(cluster.api(leader))).map((n) => n.ID).sort();
  const survivor = cluster.managers().find((m) => m !== leader);
  assert.ok(survivor);
  const api = cluster.api(survivor);
  await cluster.waitFor('the label to reach the survivor', async () => {
    const node = (await listNodes(api)).find((n) => n.ID === worker.id);
    return node?.Spec.Labels?.['kept'] === 'yes';
  });

  for (const m of cluster.managers()) if (m !== survivor) await cluster.kill(m);

  // Until its election timeout the survivor still believes in the dead leader, and a write
  // would wait for it; once it sees no leader, writes must fail at once.
  await cluster.waitFor(
    'the survivor to see no leader',
    async () => !(await listNodes(api)).some((n) => n.ManagerStatus?.Leader === true),
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  for (let i = 0; i < 3; i++) {
    // Well inside the 10 s a proposal may wait: the API client gives up after 5 s.
    const refused = await labelWrite(api, survivor.id, 'lost');
    assert.equal(refused.status, 503);
    assert.deepEqual(refused.body, { message: NO_LEADER });
  }
  const reads = await listNodes(api);
  assert.deepEqual(reads.map((n) => n.ID).sort(), nodesBefore);
  assert.equal(((await api.ok('GET', '/swarm')) as { ID: string }).ID, before.ID);

  const init = await api.call('POST', '/swarm/init', {
    ListenAddr: survivor.process.listenAddr,
    AdvertiseAddr: survivor.process.listenAddr,
    ForceNewCluster: true,
  });
  assert.equal(init.status, 200, JSON.stringify(init.body));
  assert.equal(init.body, survivor.id);

  // The node's own agent writes it on its first heartbeat: a stale version is retried.
  assert.ok(
    await cluster.waitFor('a write on the survivor', () =>
      tryLabelWrite(api, survivor.id, 'restored', 'yes'),
    ),
  );
  const after = await cluster.swarm(survivor);
  assert.equal(after.ID, before.ID);
  assert.deepEqual(after.JoinTokens, before.JoinTokens);
  const nodes = await listNodes(api);
  assert.deepEqual(nodes.map((n) => n.ID).sort(), nodesBefore);
  assert.equal(nodes.find((n) => n.ID === worker.id)?.Spec.Labels?.['kept'], 'yes');
  assert.equal(nodes.find((n) => n.ID === survivor.id)?.Spec.Labels?.['restored'], 'yes');
  const managers = nodes.filter((n) => n.ManagerStatus !== undefined);
  assert.deepEqual(
    managers.map((n) => [n.ID, n.ManagerStatus?.Leader]),
    [[survivor.id, true]],
  );
  const info = (await api.ok('GET', '/info')) as { Swarm: { Managers: number; Nodes: number } };
  assert.equal(info.Swarm.Nodes, 4);

  // The worker, which never left, heartbeats to the new single manager.
  await cluster.waitFor('the worker to be ready under the new cluster', async () => {
    const node = (await listNodes(api)).find((n) => n.ID === worker.id);
    return node?.Status.State === 'ready';
  });

  // A restart of the survivor comes back as the same single-manager cluster.
  await cluster.kill(survivor);
  await cluster.restart(survivor);
  const back = await cluster.leader(10_000);
  assert.equal(back.id, survivor.id);

  // It grows again as Docker's guide says: a new manager joins with the same manager token.
  const added = await cluster.addManager();
  const managersNow = (await listNodes(api)).filter((n) => n.ManagerStatus !== undefined);
  assert.deepEqual(managersNow.map((n) => n.ID).sort(), [added.id, survivor.id].sort());
  // The node's own agent writes it on its first heartbeat: a stale version is retried.
  assert.ok(
    await cluster.waitFor('a write on the survivor', () =>
      tryLabelWrite(api, survivor.id, 'after-restart', 'yes'),
    ),
  );
});
