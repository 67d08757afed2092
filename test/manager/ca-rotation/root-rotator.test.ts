import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/base/clock.ts';
import { toEngineSwarm } from '../../../src/api/objects/cluster.ts';
import type { SwarmSpec } from '../../../src/api/objects/cluster.ts';
import type { NodeState } from '../../../src/api/objects/node.ts';
import { verifyNodeCertificateChain } from '../../../src/manager/ca/certificate-chain.ts';
import { caIssuerInfo, leafIssuerInfo } from '../../../src/manager/ca/certificate-issuer-info.ts';
import { parseJoinToken, roleForJoinToken } from '../../../src/manager/ca/join-token.ts';
import { createRootCa, rootCaDigest } from '../../../src/manager/ca/root-ca.ts';
import type { RootCa } from '../../../src/manager/ca/root-ca.ts';
import { rootRotationOf } from '../../../src/manager/ca/root-rotation-record.ts';
import { RootRotator } from '../../../src/manager/ca-rotation/root-rotator.ts';
import { initCluster, requireCluster } from '../../../src/manager/controlapi/swarm.ts';
import { registerNode } from '../../../src/manager/controlapi/nodes.ts';
import { clusterSigning, recordIssuerSource } from '../../../src/manager/join/cluster-issuer.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables, clusters, nodes } from '../../../src/store/tables.ts';
import { issueIdentity, seededBytes } from '../ca/cluster-pki.ts';
import { controlDeps } from '../support/control-fixtures.ts';

// Chains are checked against the wall clock by OpenSSL-backed helpers: sign around it.
const realNow = Date.now();

interface Fixture {
  readonly store: MemoryStore;
  readonly clock: ManualClock;
  readonly root: RootCa;
  rotator(seed?: number): RootRotator;
}

async function fixture(seed: number): Promise<Fixture> {
  const clock = new ManualClock(realNow);
  const store = new MemoryStore({ tables: clusterTables }, { clock });
  const root = await createRootCa({ now: realNow, randomBytes: seededBytes(seed) });
  await initCluster(
    store,
    {
      nodeId: 'manager-1',
      raftId: 1,
      addr: '10.0.0.1:2377',
      rootCaCert: root.certPem,
      rootCaKey: root.key.pem,
    },
    controlDeps(seed),
  );
  await registerNode(store, { nodeId: 'worker-1', role: 'worker' });
  const rotator = (s = seed): RootRotator =>
    new RootRotator({ store, clock, randomBytes: seededBytes(s + 100) });
  return { store, clock, root, rotator };
}

async function updateSpec(
  store: MemoryStore,
  change: (spec: SwarmSpec) => SwarmSpec,
): Promise<void> {
  await store.update((tx) => {
    const cluster = requireCluster(tx);
    tx.update(clusters, { ...cluster, Spec: change(cluster.Spec) });
  });
}

function bumpForceRotate(store: MemoryStore): Promise<void> {
  return updateSpec(store, (spec) => {
    const ca = spec.CAConfig ?? {};
    return { ...spec, CAConfig: { ...ca, ForceRotate: (ca.ForceRotate ?? 0) + 1 } };
  });
}

/** What a node reports after it has installed a certificate signed by `issuerPem`. */
async function report(store: MemoryStore, nodeId: string, issuerPem: string): Promise<void> {
  await store.update((tx) => {
    const node = tx.get(nodes, nodeId);
    assert.ok(node);
    const tlsInfo = { TrustRoot: issuerPem, ...caIssuerInfo(issuerPem) };
    tx.update(nodes, { ...node, Description: { ...node.Description, TLSInfo: tlsInfo } });
  });
}

async function setState(store: MemoryStore, nodeId: string, State: NodeState): Promise<void> {
  await store.update((tx) => {
    const node = tx.get(nodes, nodeId);
    assert.ok(node);
    tx.update(nodes, { ...node, Status: { ...node.Status, State } });
  });
}

test('a ForceRotate bump starts a rotation: new root cross-signed by the old one, in progress, nodes asked to renew', async () => {
  const f = await fixture(11);
  const rotator = f.rotator();
  assert.deepEqual(await rotator.sweepNow(), { kind: 'none' });
  await bumpForceRotate(f.store);
  assert.equal((await rotator.sweepNow()).kind, 'start');

  const cluster = requireCluster(f.store);
  const rotation = rootRotationOf(cluster);
  assert.ok(rotation);
  assert.equal(toEngineSwarm(cluster).RootRotationInProgress, true);
  assert.equal(cluster.RootCA?.CACert, f.root.certPem, 'the old root stays the cluster root');
  assert.deepEqual(cluster.TLSInfo, {
    TrustRoot: f.root.certPem,
    ...caIssuerInfo(rotation.CACert),
  });
  assert.equal(JSON.stringify(toEngineSwarm(cluster)).includes('PRIVATE KEY'), false);

  // The CA now signs with the new root, its cross-signed twin following each leaf.
  const signing = await clusterSigning(f.store, recordIssuerSource());
  assert.deepEqual(signing.trustedRoots, [f.root.certPem, rotation.CACert]);
  const record = { nodeId: 'worker-1', role: 'worker' as const, clusterId: cluster.id };
  const identity = await issueIdentity(signing.issuer, record, {
    now: realNow,
    trustedRootsPem: [f.root.certPem],
  });
  for (const roots of [[f.root.certPem], [rotation.CACert]]) {
    assert.equal(
      verifyNodeCertificateChain(identity.certChainPem, roots, realNow).nodeId,
      'worker-1',
    );
  }
  assert.deepEqual(
    leafIssuerInfo(identity.certChainPem, [f.root.certPem]),
    caIssuerInfo(rotation.CACert),
  );

  // Sweeping again changes nothing: the rotation waits for both nodes.
  assert.deepEqual(await rotator.sweepNow(), {
    kind: 'wait',
    pendingNodeIds: ['manager-1', 'worker-1'],
  });
});

test('the rotation finishes once every live node reports a new-root certificate: new root, TLSInfo and tokens', async () => {
  const f = await fixture(12);
  const rotator = f.rotator();
  await bumpForceRotate(f.store);
  await rotator.sweepNow();
  const rotation = rootRotationOf(requireCluster(f.store));
  assert.ok(rotation);
  const oldTokens = requireCluster(f.store).JoinTokens;

  await report(f.store, 'manager-1', rotation.CACert);
  assert.deepEqual(await rotator.sweepNow(), { kind: 'wait', pendingNodeIds: ['worker-1'] });
  await report(f.store, 'worker-1', rotation.CACert);
  assert.equal((await rotator.sweepNow()).kind, 'finish');

  const cluster = requireCluster(f.store);
  assert.equal(rootRotationOf(cluster), undefined);
  assert.equal(cluster.RootRotationInProgress, false);
  assert.equal(cluster.RootCA?.CACert, rotation.CACert);
  assert.equal(cluster.RootCA?.CAKey, rotation.CAKey);
  assert.deepEqual(cluster.TLSInfo, {
    TrustRoot: rotation.CACert,
    ...caIssuerInfo(rotation.CACert),
  });
  const digest = rootCaDigest(rotation.CACert);
  assert.equal(parseJoinToken(cluster.JoinTokens.Worker).rootDigest, digest);
  assert.equal(parseJoinToken(cluster.JoinTokens.Manager).rootDigest, digest);
  const current = { worker: cluster.JoinTokens.Worker, manager: cluster.JoinTokens.Manager };
  assert.throws(() => roleForJoinToken(oldTokens.Worker, current), /valid join token/);

  // After the swap the new root signs alone, and nothing more happens.
  const signing = await clusterSigning(f.store, recordIssuerSource());
  assert.equal(signing.issuer.certPem, rotation.CACert);
  assert.equal(signing.issuer.intermediatesPem, undefined);
  assert.deepEqual(signing.trustedRoots, [rotation.CACert]);
  assert.deepEqual(await rotator.sweepNow(), { kind: 'none' });
});

test('a down node does not hold the rotation up', async () => {
  const f = await fixture(13);
  const rotator = f.rotator();
  await bumpForceRotate(f.store);
  await rotator.sweepNow();
  const rotation = rootRotationOf(requireCluster(f.store));
  assert.ok(rotation);
  await report(f.store, 'manager-1', rotation.CACert);
  await setState(f.store, 'worker-1', 'down');
  assert.equal((await rotator.sweepNow()).kind, 'finish');
});

test('a new leader carries on a rotation from the replicated record alone', async () => {
  const f = await fixture(14);
  const first = f.rotator(1);
  await bumpForceRotate(f.store);
  await first.sweepNow();
  await first.stop();
  const rotation = rootRotationOf(requireCluster(f.store));
  assert.ok(rotation);

  const second = f.rotator(2);
  assert.equal((await second.sweepNow()).kind, 'wait', 'no second rotation is started');
  assert.equal(rootRotationOf(requireCluster(f.store))?.CACert, rotation.CACert);
  await report(f.store, 'manager-1', rotation.CACert);
  await report(f.store, 'worker-1', rotation.CACert);
  assert.equal((await second.sweepNow()).kind, 'finish');
  assert.equal(requireCluster(f.store).RootCA?.CACert, rotation.CACert);
});

test('rotating again mid-rotation restarts towards a newer root, still cross-signed by the cluster root', async () => {
  const f = await fixture(15);
  const rotator = f.rotator();
  await bumpForceRotate(f.store);
  await rotator.sweepNow();
  const first = rootRotationOf(requireCluster(f.store));
  assert.ok(first);
  await report(f.store, 'manager-1', first.CACert);
  await bumpForceRotate(f.store);
  assert.equal((await rotator.sweepNow()).kind, 'start');
  const second = rootRotationOf(requireCluster(f.store));
  assert.ok(second);
  assert.notEqual(second.CACert, first.CACert);
  assert.equal(requireCluster(f.store).RootCA?.CACert, f.root.certPem);
  const signing = await clusterSigning(f.store, recordIssuerSource());
  const record = {
    nodeId: 'worker-1',
    role: 'worker' as const,
    clusterId: requireCluster(f.store).id,
  };
  const identity = await issueIdentity(signing.issuer, record, {
    now: realNow,
    trustedRootsPem: [],
  });
  verifyNodeCertificateChain(identity.certChainPem, [f.root.certPem], realNow);
  // The node that had rotated to the first new root must renew again.
  assert.deepEqual(await rotator.sweepNow(), {
    kind: 'wait',
    pendingNodeIds: ['manager-1', 'worker-1'],
  });
});

test('a given signing CA is rotated to; giving the current one again only records the ForceRotate', async () => {
  const f = await fixture(16);
  const rotator = f.rotator();
  const mine = await createRootCa({ now: realNow, randomBytes: seededBytes(77) });
  await updateSpec(f.store, (spec) => ({
    ...spec,
    CAConfig: { ...spec.CAConfig, SigningCACert: mine.certPem, SigningCAKey: mine.key.pem },
  }));
  assert.equal((await rotator.sweepNow()).kind, 'start');
  assert.equal(rootRotationOf(requireCluster(f.store))?.CACert, mine.certPem);
  await report(f.store, 'manager-1', mine.certPem);
  await report(f.store, 'worker-1', mine.certPem);
  assert.equal((await rotator.sweepNow()).kind, 'finish');
  assert.equal(requireCluster(f.store).RootCA?.CACert, mine.certPem);
  assert.deepEqual(await rotator.sweepNow(), { kind: 'none' });

  await bumpForceRotate(f.store);
  assert.deepEqual(await rotator.sweepNow(), { kind: 'acknowledge', forceRotate: 1 });
  assert.deepEqual(await rotator.sweepNow(), { kind: 'none' });
  assert.equal(rootRotationOf(requireCluster(f.store)), undefined);
});

test('started, the rotator follows the store: a spec update starts a rotation, node reports finish it', async () => {
  const f = await fixture(17);
  const rotator = f.rotator();
  rotator.start();
  try {
    await bumpForceRotate(f.store);
    const rotation = await eventually(() => rootRotationOf(requireCluster(f.store)));
    await report(f.store, 'manager-1', rotation.CACert);
    await report(f.store, 'worker-1', rotation.CACert);
    await eventually(() => requireCluster(f.store).RootCA?.CACert === rotation.CACert || undefined);
  } finally {
    await rotator.stop();
  }
});

/**
 * Polls `check` every 5 ms, at most 2,000 times, until it gives a value. Making and
 * cross-signing a root runs on libuv's thread pool, so a bound in event-loop turns alone
 * was too short on a loaded machine.
 */
async function eventually<T>(check: () => T | undefined, polls = 2_000): Promise<T> {
  for (let i = 0; i < polls; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the condition did not hold');
}
