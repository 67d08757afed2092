import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRootRotation } from '../../../src/manager/ca/cross-signed-root.ts';
import type { RotationMaterial } from '../../../src/manager/ca/cross-signed-root.ts';
import { generateJoinTokens, parseJoinToken } from '../../../src/manager/ca/join-token.ts';
import { rootCaDigest, rootCaDigestHex } from '../../../src/manager/ca/root-ca.ts';
import type { RootCa } from '../../../src/manager/ca/root-ca.ts';
import {
  clusterRoot,
  rotationProgress,
  signingIssuer,
  stableRoot,
  stepRootRotation,
  trustedRoots,
} from '../../../src/manager/ca/root-rotation.ts';
import type { RootRotationState } from '../../../src/manager/ca/root-rotation.ts';
import type { PeerPolicy, TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';
import { issueIdentity, makeRoot, seededBytes } from './cluster-pki.ts';
import { dial, startProbeServer } from './tls-probe.ts';
import type { ProbeServer } from './tls-probe.ts';

const realNow = Date.now();
const servers: ProbeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function rotating(nodeIds: readonly string[]): Promise<{
  oldRoot: RootCa;
  material: RotationMaterial;
  state: RootRotationState;
}> {
  const oldRoot = await makeRoot(realNow);
  const material = await prepareRootRotation(oldRoot, realNow, seededBytes(5));
  const { state } = stepRootRotation(stableRoot(oldRoot), { type: 'rotate', material, nodeIds });
  return { oldRoot, material, state };
}

const done = { certRotated: true, trustsNewRoot: true };

test('rotate: trust both roots, reissue every node, sign with the new root and its cross-signed twin', async () => {
  const oldRoot = await makeRoot(realNow);
  const material = await prepareRootRotation(oldRoot, realNow, seededBytes(5));
  const start = stableRoot(oldRoot);
  assert.deepEqual(trustedRoots(start), [oldRoot.certPem]);
  const step = stepRootRotation(start, { type: 'rotate', material, nodeIds: ['a', 'b'] });
  assert.equal(start.phase, 'stable', 'the input state is not mutated');
  assert.equal(step.state.phase, 'rotating');
  assert.deepEqual(step.actions, [
    { type: 'distribute-trust', rootsPem: [oldRoot.certPem, material.newRoot.certPem] },
    { type: 'reissue-certificates', nodeIds: ['a', 'b'] },
  ]);
  const issuer = signingIssuer(step.state);
  assert.equal(issuer.certPem, material.newRoot.certPem);
  assert.equal(issuer.intermediatesPem, material.crossSignedPem);
  assert.equal(clusterRoot(step.state), oldRoot, 'joiners still pin the old root');
  assert.deepEqual(rotationProgress(step.state), {
    desiredRootDigest: rootCaDigestHex(material.newRoot.certPem),
    certificatesRotated: 0,
    trustRotated: 0,
    total: 2,
  });
});

test('the old root is dropped only once every node has a new certificate and trusts the new root', async () => {
  const { material, state } = await rotating(['a', 'b']);
  let s = stepRootRotation(state, { type: 'node-reported', nodeId: 'a', ...done });
  s = stepRootRotation(s.state, {
    type: 'node-reported',
    nodeId: 'b',
    certRotated: true,
    trustsNewRoot: false,
  });
  assert.equal(s.state.phase, 'rotating');
  assert.deepEqual(s.actions, []);
  assert.equal(rotationProgress(s.state)?.certificatesRotated, 2);
  assert.equal(rotationProgress(s.state)?.trustRotated, 1);
  s = stepRootRotation(s.state, { type: 'node-reported', nodeId: 'b', ...done });
  assert.equal(s.state.phase, 'stable');
  assert.deepEqual(s.actions, [
    { type: 'distribute-trust', rootsPem: [material.newRoot.certPem] },
    { type: 'replace-join-tokens', rootPem: material.newRoot.certPem },
  ]);
  assert.equal(signingIssuer(s.state).intermediatesPem, undefined);
  assert.equal(rotationProgress(s.state), undefined);
  // New tokens carry the new root's digest.
  const tokens = generateJoinTokens(material.newRoot.certPem, seededBytes(9));
  assert.equal(parseJoinToken(tokens.worker).rootDigest, rootCaDigest(material.newRoot.certPem));
});

test('membership changes during a rotation: joiners are tracked, removed nodes no longer block it', async () => {
  const { state } = await rotating(['a', 'b']);
  let s = stepRootRotation(state, { type: 'node-joined', nodeId: 'c' });
  assert.equal(rotationProgress(s.state)?.total, 3);
  s = stepRootRotation(s.state, { type: 'node-reported', nodeId: 'a', ...done });
  s = stepRootRotation(s.state, { type: 'node-reported', nodeId: 'c', ...done });
  s = stepRootRotation(s.state, { type: 'node-reported', nodeId: 'ghost', ...done });
  assert.equal(s.state.phase, 'rotating');
  s = stepRootRotation(s.state, { type: 'node-removed', nodeId: 'b' });
  assert.equal(s.state.phase, 'stable');
  // Events outside a rotation change nothing.
  assert.deepEqual(stepRootRotation(s.state, { type: 'node-joined', nodeId: 'd' }), {
    state: s.state,
    actions: [],
  });
});

test('rotating again mid-rotation restarts towards the newer root from the same old root', async () => {
  const { oldRoot, state } = await rotating(['a']);
  const partial = stepRootRotation(state, {
    type: 'node-reported',
    nodeId: 'a',
    ...done,
    trustsNewRoot: false,
  }).state;
  const newer = await prepareRootRotation(oldRoot, realNow, seededBytes(6));
  const s = stepRootRotation(partial, { type: 'rotate', material: newer, nodeIds: ['a'] });
  assert.equal(s.state.phase, 'rotating');
  assert.deepEqual(trustedRoots(s.state), [oldRoot.certPem, newer.newRoot.certPem]);
  assert.equal(rotationProgress(s.state)?.certificatesRotated, 0);
  // With no nodes to wait for, a rotation completes at once.
  const empty = stepRootRotation(stableRoot(oldRoot), {
    type: 'rotate',
    material: newer,
    nodeIds: [],
  });
  assert.equal(empty.state.phase, 'stable');
  assert.equal(clusterRoot(empty.state), newer.newRoot);
});

function policy(): PeerPolicy {
  return { clusterId: 'c1', now: () => realNow, isRemoved: () => false };
}

async function talk(a: TlsIdentity, b: TlsIdentity): Promise<boolean> {
  const server = await startProbeServer(a, policy());
  servers.push(server);
  const result = await dial(server.port, b, policy());
  return result.ok;
}

test(
  'during rotation, old-root and new-root nodes talk both ways; afterwards old certs are refused',
  { timeout: 30_000 },
  async () => {
    const { oldRoot, state } = await rotating(['old', 'new']);
    const during = trustedRoots(state);
    const node = (nodeId: string, issuerState: RootRotationState, roots: readonly string[]) =>
      issueIdentity(
        signingIssuer(issuerState),
        { nodeId, role: 'manager', clusterId: 'c1' },
        { now: realNow, trustedRootsPem: roots },
      );
    const oldNode = await node('old', stableRoot(oldRoot), during);
    const newNode = await node('new', state, during);
    assert.ok(await talk(oldNode, newNode), 'new-root client to old-root server');
    assert.ok(await talk(newNode, oldNode), 'old-root client to new-root server');
    // A node that has not yet received the new trust set still accepts new-root peers.
    const lagging = await node('lag', stableRoot(oldRoot), [oldRoot.certPem]);
    assert.ok(await talk(lagging, newNode));
    assert.ok(await talk(newNode, lagging));

    let s = stepRootRotation(state, { type: 'node-reported', nodeId: 'old', ...done });
    s = stepRootRotation(s.state, { type: 'node-reported', nodeId: 'new', ...done });
    assert.equal(s.state.phase, 'stable');
    const afterRoots = trustedRoots(s.state);
    const reissued = await node('new2', s.state, afterRoots);
    assert.ok(await talk(reissued, { ...newNode, trustedRootsPem: afterRoots }));
    assert.ok(
      !(await talk(reissued, { ...oldNode, trustedRootsPem: afterRoots })),
      'an old-root certificate is refused',
    );
  },
);
