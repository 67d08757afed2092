import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/base/clock.ts';
import { ShoalError } from '../../../src/base/errors.ts';
import { caIssuerInfo } from '../../../src/manager/ca/certificate-issuer-info.ts';
import { createRootCa } from '../../../src/manager/ca/root-ca.ts';
import { rootRotationOf } from '../../../src/manager/ca/root-rotation-record.ts';
import { RootRotator } from '../../../src/manager/ca-rotation/root-rotator.ts';
import { registerNode, removeNode } from '../../../src/manager/controlapi/nodes.ts';
import { initCluster, requireCluster } from '../../../src/manager/controlapi/swarm.ts';
import { certificateStatus } from '../../../src/manager/join/certificate-status.ts';
import { anonymousCaller } from '../../../src/manager/rpc/rpc-caller.ts';
import type { NodeCaller } from '../../../src/manager/rpc/rpc-caller.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables, clusters, nodes } from '../../../src/store/tables.ts';
import { seededBytes } from '../ca/cluster-pki.ts';
import { controlDeps } from '../support/control-fixtures.ts';

const now = Date.now();
const root = await createRootCa({ now, randomBytes: seededBytes(31) });

async function leaderHost(leads = true) {
  const clock = new ManualClock(now);
  const store = new MemoryStore({ tables: clusterTables }, { clock });
  await initCluster(
    store,
    {
      nodeId: 'm1',
      raftId: 1,
      addr: '10.0.0.1:2377',
      rootCaCert: root.certPem,
      rootCaKey: root.key.pem,
    },
    controlDeps(31),
  );
  await registerNode(store, { nodeId: 'w1', role: 'worker' });
  const host = { store, raftView: { leader: () => 1 }, isLeader: () => leads };
  return { host, store, clock };
}

const worker: NodeCaller = { anonymous: false, nodeId: 'w1', role: 'worker', clusterId: 'c' };
const fromRoot = { TrustRoot: root.certPem, ...caIssuerInfo(root.certPem) };

test('a report is recorded as the node TLSInfo once; the reply gives role, roots and no renewal', async () => {
  const { host, store } = await leaderHost();
  const reply = await certificateStatus(host, worker, fromRoot);
  assert.deepEqual(reply, { role: 'worker', renew: false, trustedRoots: [root.certPem] });
  const node = store.get(nodes, 'w1');
  assert.deepEqual(node?.Description?.TLSInfo, fromRoot);
  await certificateStatus(host, worker, fromRoot);
  assert.equal(store.get(nodes, 'w1')?.meta.version, node?.meta.version, 'no write when unchanged');
});

test('mid-rotation a node is told to renew until it reports a certificate from the new root', async () => {
  const { host, store, clock } = await leaderHost();
  await store.update((tx) => {
    const cluster = requireCluster(tx);
    tx.update(clusters, { ...cluster, Spec: { ...cluster.Spec, CAConfig: { ForceRotate: 1 } } });
  });
  await new RootRotator({ store, clock, randomBytes: seededBytes(32) }).sweepNow();
  const rotation = rootRotationOf(requireCluster(store));
  assert.ok(rotation);
  const before = await certificateStatus(host, worker, fromRoot);
  assert.equal(before.renew, true);
  assert.deepEqual(before.trustedRoots, [root.certPem, rotation.CACert]);
  const rotated = { TrustRoot: before.trustedRoots.join(''), ...caIssuerInfo(rotation.CACert) };
  assert.equal((await certificateStatus(host, worker, rotated)).renew, false);
});

test('anonymous callers, followers and removed nodes are refused', async () => {
  const code = (expected: string) => (err: unknown) =>
    err instanceof ShoalError && err.code === expected;
  const { host, store } = await leaderHost();
  await assert.rejects(
    certificateStatus(host, anonymousCaller, fromRoot),
    code('CA_PEER_UNAUTHENTICATED'),
  );
  const follower = (await leaderHost(false)).host;
  await assert.rejects(certificateStatus(follower, worker, fromRoot), code('MANAGER_NOT_LEADER'));
  await removeNode(store, 'w1', true);
  await assert.rejects(certificateStatus(host, worker, fromRoot), code('CA_NODE_REMOVED'));
});
