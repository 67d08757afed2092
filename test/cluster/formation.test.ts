// One cluster of 3 managers and 2 workers carried through its life, test after test (in
// order): formation and failover, a full restart, node management, then managers leaving.
// Sharing it keeps the number of daemon processes, the dominant cost, low.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../src/base/errors.ts';
import { ResourceTracker } from '../support/resource-tracker.ts';
import type { ApiClient, ApiReply } from '../support/api-client.ts';
import { heartbeatAs, nodeCertificate } from './cluster-port.ts';
import type { ClusterNode, NodeJson, TestCluster } from './harness.ts';
import { listNodes, startCluster, tryLabelWrite } from './harness.ts';

const tracker = new ResourceTracker();
let cluster: TestCluster;
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

test('3 managers and 2 workers form by tokens, and survive a SIGKILLed leader', async () => {
  cluster = await startCluster({ managers: 3, workers: 2, tracker });
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
  // A follower forwards its write through Raft, so the writer need not be the new leader.
  const newLeader = await cluster.leader(5_000);
  assert.ok(survivors.includes(newLeader));
  const labelled = (await listNodes(cluster.api(newLeader))).find((n) => n.ID === next.id);
  assert.equal(labelled?.Spec.Labels?.['failover'], 'ok');

  const dead = await cluster.waitFor(
    'the killed leader to show down and unreachable',
    async () => {
      const node = (await listNodes(cluster.api(newLeader))).find((n) => n.ID === leader.id);
      const gone =
        node?.Status.State === 'down' && node.ManagerStatus?.Reachability === 'unreachable';
      return gone && node;
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
  assert.equal(dead.ManagerStatus?.Leader, undefined);
});

/** Sorted `ID hostname role` lines of the nodes `GET /nodes` lists through the leader. */
async function nodeLines(): Promise<string[]> {
  const nodes = await listNodes(cluster.api(await cluster.leader()));
  return nodes.map((n) => `${n.ID} ${n.Description.Hostname} ${n.Spec['Role'] as string}`).sort();
}

async function allReady(): Promise<NodeJson[] | false> {
  const nodes = await listNodes(cluster.api(await cluster.leader(5_000)));
  const managers = nodes.filter((n) => n.ManagerStatus?.Reachability === 'reachable');
  const ready = nodes.every((n) => n.Status.State === 'ready');
  return ready && managers.length === cluster.managers().length && nodes;
}

test('a full restart of every manager (SIGKILL, then start) brings the same cluster back', async () => {
  for (const m of cluster.managers()) if (!m.process.running) await cluster.restart(m);
  await cluster.waitFor('every node ready and every manager reachable', allReady);
  const leader = await cluster.leader();
  const before = await cluster.swarm(leader);
  const lines = await nodeLines();

  await Promise.all(cluster.managers().map((m) => cluster.kill(m)));
  await Promise.all(cluster.managers().map((m) => cluster.restart(m)));

  const after = await cluster.swarm(await cluster.leader());
  assert.equal(after.ID, before.ID);
  assert.deepEqual(after.JoinTokens, before.JoinTokens);
  assert.deepEqual(await nodeLines(), lines);
  const nodes = await cluster.waitFor('every node ready and every manager reachable', allReady);
  assert.equal(nodes.length, 5);
  const survivor = nodes.find((n) => n.ManagerStatus?.Leader);
  assert.ok(survivor);
  assert.ok(nodes.some((n) => n.Spec.Labels?.['failover'] === 'ok'));
  assert.ok(
    await cluster.waitFor('a write after the restart', async () =>
      tryLabelWrite(cluster.api(await cluster.leader()), survivor.ID, 'restarted', 'yes'),
    ),
  );
});

type SpecChange = (spec: NodeJson['Spec']) => NodeJson['Spec'];

/** Reads node `id` through `api` and writes `change(spec)` at the version read. */
async function updateSpec(api: ApiClient, id: string, change: SpecChange): Promise<ApiReply> {
  const node = (await api.ok('GET', `/nodes/${id}`)) as NodeJson;
  return api.call('POST', `/nodes/${id}/update?version=${node.Version.Index}`, change(node.Spec));
}

async function nodeOn(api: ApiClient, id: string): Promise<NodeJson | undefined> {
  return (await listNodes(api)).find((n) => n.ID === id);
}

function worker(which: 0 | 1): ClusterNode {
  const node = cluster.nodes.filter((n) => n.role === 'worker')[which];
  assert.ok(node);
  return node;
}

test('a node update through a follower lands on the leader', async () => {
  const leader = await cluster.leader();
  const follower = cluster.managers().find((m) => m !== leader);
  assert.ok(follower);
  const target = worker(0);
  // The follower reads its own replica, which may trail the leader by an entry or two (the
  // worker's heartbeats write its node): a stale version is refused as "update out of
  // sequence", as Docker does, and the client reads again and retries.
  const reply = await cluster.waitFor('a write through the follower to commit', async () => {
    const attempt = await updateSpec(cluster.api(follower), target.id, (spec) => ({
      ...spec,
      Labels: { ...spec.Labels, via: 'follower' },
    }));
    if (attempt.status !== 200) {
      assert.deepEqual(attempt.body, { message: 'update out of sequence' });
      return undefined;
    }
    return attempt;
  });
  assert.equal(reply.status, 200);
  const seen = await cluster.waitFor('the leader to read the label', async () => {
    const node = await nodeOn(cluster.api(leader), target.id);
    return node?.Spec.Labels?.['via'] === 'follower' && node;
  });
  assert.equal(seen.Spec.Labels?.['via'], 'follower');
});

test('availability goes drain, pause, active and labels are added and removed', async () => {
  const api = cluster.api(await cluster.leader());
  const id = worker(0).id;
  for (const availability of ['drain', 'pause', 'active']) {
    const reply = await updateSpec(api, id, (spec) => ({ ...spec, Availability: availability }));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal((await nodeOn(api, id))?.Spec['Availability'], availability);
  }
  const bad = await updateSpec(api, id, (spec) => ({ ...spec, Availability: 'sleepy' }));
  assert.equal(bad.status, 400);

  await updateSpec(api, id, (spec) => ({
    ...spec,
    Labels: { ...spec.Labels, zone: 'a', disk: 'ssd' },
  }));
  assert.deepEqual((await nodeOn(api, id))?.Spec.Labels, {
    via: 'follower',
    zone: 'a',
    disk: 'ssd',
  });
  await updateSpec(api, id, (spec) => {
    const { zone: _zone, ...rest } = spec.Labels ?? {};
    return { ...spec, Labels: rest };
  });
  assert.deepEqual((await nodeOn(api, id))?.Spec.Labels, { via: 'follower', disk: 'ssd' });
  const filtered = (await api.ok(
    'GET',
    `/nodes?filters=${encodeURIComponent(JSON.stringify({ 'node.label': ['disk=ssd'] }))}`,
  )) as NodeJson[];
  assert.deepEqual(
    filtered.map((n) => n.ID),
    [id],
  );
});

test('a demoted manager leaves the Raft membership', async () => {
  const leader = await cluster.leader();
  const api = cluster.api(leader);
  const demoted = cluster.managers().find((m) => m !== leader);
  assert.ok(demoted);
  const reply = await updateSpec(api, demoted.id, (spec) => ({ ...spec, Role: 'worker' }));
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  await cluster.waitFor(`${demoted.hostname} to leave the Raft membership`, async () => {
    const node = await nodeOn(api, demoted.id);
    return node !== undefined && node.ManagerStatus === undefined;
  });
  const managers = (await listNodes(api)).filter((n) => n.ManagerStatus !== undefined);
  assert.equal(managers.length, 2);
  assert.ok(managers.every((n) => n.ManagerStatus?.Reachability === 'reachable'));
  assert.ok(
    await cluster.waitFor('a write on two managers', () =>
      tryLabelWrite(api, leader.id, 'two', 'yes'),
    ),
  );
});

test('node rm refuses a running node without --force; with it, the node certificate is refused', async () => {
  const leader = await cluster.leader();
  const api = cluster.api(leader);
  const target = worker(1);
  const pem = await nodeCertificate(target.process);
  await heartbeatAs(leader.process.listenAddr, pem);

  const refused = await api.call('DELETE', `/nodes/${target.id}`);
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.body, { message: `node ${target.id} is not down and can't be removed` });

  const removed = await api.call('DELETE', `/nodes/${target.id}?force=true`);
  assert.equal(removed.status, 200, JSON.stringify(removed.body));
  assert.equal(await nodeOn(api, target.id), undefined);
  await assert.rejects(heartbeatAs(leader.process.listenAddr, pem), (err: unknown) => {
    assert.ok(err instanceof ShoalError, String(err));
    assert.notEqual(err.code, 'RPC_TIMEOUT');
    return true;
  });
});

test('swarm leave --force of a manager takes it out of Raft; the last one cannot be demoted', async () => {
  const leader = await cluster.leader();
  const api = cluster.api(leader);
  const leaving = (await listNodes(api))
    .filter((n) => n.ManagerStatus !== undefined && n.ID !== leader.id)
    .map((n) => cluster.nodes.find((c) => c.id === n.ID))[0];
  assert.ok(leaving);
  const warned = await cluster.api(leaving).call('POST', '/swarm/leave');
  assert.equal(warned.status, 503);
  assert.match(
    (warned.body as { message: string }).message,
    /^You are attempting to leave the swarm on a node that is participating as a manager\. .*Use `--force` to suppress this message\.$/,
  );

  const reply = await cluster.api(leaving).call('POST', '/swarm/leave?force=1');
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  await cluster.waitFor(`${leaving.hostname} to leave the Raft membership`, async () => {
    const nodes = await listNodes(api);
    const managers = nodes.filter((n) => n.ManagerStatus !== undefined);
    return managers.length === 1 && managers[0]?.ID === leader.id;
  });
  const info = (await api.ok('GET', '/info')) as { Swarm: { Managers: number } };
  assert.equal(info.Swarm.Managers, 1);
  assert.ok(
    await cluster.waitFor('a write on the last manager', () =>
      tryLabelWrite(api, leader.id, 'one', 'yes'),
    ),
  );

  const last = await updateSpec(api, leader.id, (spec) => ({ ...spec, Role: 'worker' }));
  assert.equal(last.status, 400);
  assert.deepEqual(last.body, { message: 'attempting to demote the last manager of the swarm' });
  const lastLeave = await api.call('POST', '/swarm/leave');
  assert.equal(lastLeave.status, 503);
  assert.match(
    (lastLeave.body as { message: string }).message,
    /Removing the last manager erases all current state of the swarm/,
  );
});
