import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { ShoalError } from '../../../src/base/errors.ts';
import { verifyNodeCertificateChain } from '../../../src/manager/ca/certificate-chain.ts';
import { crossSignRoot, prepareRootRotation } from '../../../src/manager/ca/cross-signed-root.ts';
import { splitCertificates } from '../../../src/manager/ca/pem.ts';
import { x509 } from '../../../src/manager/ca/x509-library.ts';
import { issueIdentity, makeRoot, seededBytes } from './cluster-pki.ts';

const now = Date.UTC(2030, 0, 1);
const day = 86_400_000;
const hasCode = (code: string) => (error: unknown) =>
  error instanceof ShoalError && error.code === code;
const worker = { nodeId: 'w1', role: 'worker', clusterId: 'c1' } as const;

test('a chain verifies against its root and yields the identity', async () => {
  const root = await makeRoot(now);
  const id = await issueIdentity(root, worker, { now, trustedRootsPem: [root.certPem] });
  const identity = verifyNodeCertificateChain(id.certChainPem, [root.certPem], now);
  assert.equal(identity.nodeId, 'w1');
  assert.equal(identity.role, 'worker');
});

test('another root, an expired or not-yet-valid leaf, and an empty chain are refused', async () => {
  const root = await makeRoot(now);
  const other = await makeRoot(now, 2);
  const id = await issueIdentity(root, worker, { now, trustedRootsPem: [root.certPem] });
  const refused = hasCode('CA_PEER_UNAUTHENTICATED');
  assert.throws(() => verifyNodeCertificateChain(id.certChainPem, [other.certPem], now), refused);
  assert.throws(
    () => verifyNodeCertificateChain(id.certChainPem, [root.certPem], now + 91 * day),
    refused,
  );
  assert.throws(
    () => verifyNodeCertificateChain(id.certChainPem, [root.certPem], now - 2 * 3_600_000),
    refused,
  );
  assert.throws(() => verifyNodeCertificateChain('', [root.certPem], now), refused);
  // A root certificate presented as a node's is not a node certificate.
  assert.throws(() => verifyNodeCertificateChain(root.certPem, [root.certPem], now), refused);
});

test('the cross-signed root is the new root re-issued by the old one', async () => {
  const oldRoot = await makeRoot(now);
  const { newRoot, crossSignedPem } = await prepareRootRotation(oldRoot, now, seededBytes(5));
  const cross = new X509Certificate(crossSignedPem);
  const fresh = new X509Certificate(newRoot.certPem);
  const old = new X509Certificate(oldRoot.certPem);
  assert.ok(cross.ca);
  assert.equal(cross.subject, fresh.subject);
  assert.ok(cross.publicKey.equals(fresh.publicKey));
  assert.ok(cross.checkIssued(old) && cross.verify(old.publicKey));
  assert.ok(!cross.verify(fresh.publicKey));
  assert.equal(
    Date.parse(cross.validTo),
    Math.min(Date.parse(old.validTo), Date.parse(fresh.validTo)),
  );
  // Same key identifier as the new root, so peers match it with the new root.
  const keyId = (pem: string) =>
    new x509.X509Certificate(pem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  assert.ok(keyId(crossSignedPem));
  assert.equal(keyId(crossSignedPem), keyId(newRoot.certPem));
  const sign = (seed: number) =>
    crossSignRoot({
      newRootCertPem: newRoot.certPem,
      oldRoot,
      now,
      randomBytes: seededBytes(seed),
    });
  const [a, b] = await Promise.all([sign(8), sign(8)]);
  assert.equal(new X509Certificate(a).serialNumber, new X509Certificate(b).serialNumber);
});

test('during rotation a new-root leaf with the cross-signed intermediate verifies against either root', async () => {
  const oldRoot = await makeRoot(now);
  const { newRoot, crossSignedPem } = await prepareRootRotation(oldRoot, now, seededBytes(5));
  const issuer = { ...newRoot, intermediatesPem: crossSignedPem };
  const id = await issueIdentity(issuer, worker, { now, trustedRootsPem: [] });
  assert.equal(splitCertificates(id.certChainPem).length, 2);
  for (const roots of [[oldRoot.certPem], [newRoot.certPem], [oldRoot.certPem, newRoot.certPem]]) {
    assert.equal(verifyNodeCertificateChain(id.certChainPem, roots, now).nodeId, 'w1');
  }
  // Without the intermediate, only the new root vouches for it.
  const leafOnly = splitCertificates(id.certChainPem)[0] ?? '';
  assert.throws(
    () => verifyNodeCertificateChain(leafOnly, [oldRoot.certPem], now),
    hasCode('CA_PEER_UNAUTHENTICATED'),
  );
  // An old-root leaf verifies while the old root is trusted, and not after it is dropped.
  const oldLeaf = await issueIdentity(oldRoot, worker, { now, trustedRootsPem: [] });
  verifyNodeCertificateChain(oldLeaf.certChainPem, [oldRoot.certPem, newRoot.certPem], now);
  assert.throws(
    () => verifyNodeCertificateChain(oldLeaf.certChainPem, [newRoot.certPem], now),
    hasCode('CA_PEER_UNAUTHENTICATED'),
  );
});

test('an intermediate from a foreign root does not smuggle a leaf in', async () => {
  const root = await makeRoot(now);
  const attacker = await makeRoot(now, 3);
  // The attacker cross-signs its own root with itself: a valid CA chain, but to no trusted root.
  const { newRoot, crossSignedPem } = await prepareRootRotation(attacker, now, seededBytes(6));
  const id = await issueIdentity(
    { ...newRoot, intermediatesPem: crossSignedPem + attacker.certPem },
    worker,
    {
      now,
      trustedRootsPem: [],
    },
  );
  assert.throws(
    () => verifyNodeCertificateChain(id.certChainPem, [root.certPem], now),
    hasCode('CA_PEER_UNAUTHENTICATED'),
  );
});
