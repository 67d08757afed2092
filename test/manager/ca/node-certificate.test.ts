import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { ShoalError } from '../../../src/base/errors.ts';
import { createNodeCsr } from '../../../src/manager/ca/node-csr.ts';
import {
  DEFAULT_NODE_CERT_EXPIRY_MS,
  readCsrPublicKey,
  readNodeIdentity,
  signNodeCertificate,
  validateNodeCertExpiry,
} from '../../../src/manager/ca/node-certificate.ts';
import { splitCertificates } from '../../../src/manager/ca/pem.ts';
import { makeRoot, seededBytes } from './cluster-pki.ts';

const now = Date.UTC(2030, 0, 1);
const hour = 3_600_000;
const hasCode = (code: string) => (error: unknown) =>
  error instanceof ShoalError && error.code === code;

test('a CSR that lies gets a certificate named from the CA records only', async () => {
  const root = await makeRoot(now);
  const { csrPem } = await createNodeCsr({ nodeId: 'root', role: 'manager', clusterId: 'evil' });
  const chain = await signNodeCertificate({
    csrPem,
    issuer: root,
    node: { nodeId: 'n1abc', role: 'worker', clusterId: 'cluster1' },
    now,
    randomBytes: seededBytes(),
  });
  const cert = new X509Certificate(chain);
  assert.equal(cert.subject, 'O=cluster1\nOU=swarm-worker\nCN=n1abc');
  assert.equal(cert.subjectAltName, 'DNS:swarm-worker, DNS:n1abc');
  assert.equal(cert.ca, false);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  assert.ok(cert.checkIssued(new X509Certificate(root.certPem)));
  assert.deepEqual(readNodeIdentity(chain), {
    nodeId: 'n1abc',
    role: 'worker',
    clusterId: 'cluster1',
    notBefore: now - hour,
    notAfter: now + DEFAULT_NODE_CERT_EXPIRY_MS,
    serialNumber: cert.serialNumber.toLowerCase(),
  });
});

test('managers get the swarm-ca SAN; expiry is configurable; the chain carries intermediates', async () => {
  const root = await makeRoot(now);
  const { csrPem } = await createNodeCsr();
  const chain = await signNodeCertificate({
    csrPem,
    issuer: { ...root, intermediatesPem: root.certPem },
    node: { nodeId: 'm1', role: 'manager', clusterId: 'c1' },
    now,
    randomBytes: seededBytes(),
    expiryMs: 2 * hour,
  });
  const [leaf, second] = splitCertificates(chain);
  assert.ok(leaf && second);
  assert.equal(second, root.certPem);
  assert.equal(new X509Certificate(leaf).subjectAltName, 'DNS:swarm-manager, DNS:m1, DNS:swarm-ca');
  const identity = readNodeIdentity(chain);
  assert.equal(identity.role, 'manager');
  assert.equal(identity.notAfter, now + 2 * hour);
});

test("expiry below one hour is refused with Docker's text", async () => {
  assert.throws(
    () => validateNodeCertExpiry(hour - 1),
    (error: unknown) => {
      assert.ok(hasCode('CA_CERT_EXPIRY_INVALID')(error));
      assert.equal((error as Error).message, 'minimum certificate expiry time is: 1h0m0s');
      return true;
    },
  );
  validateNodeCertExpiry(hour);
  const root = await makeRoot(now);
  const { csrPem } = await createNodeCsr();
  await assert.rejects(
    signNodeCertificate({
      csrPem,
      issuer: root,
      node: { nodeId: 'n', role: 'worker', clusterId: 'c' },
      now,
      randomBytes: seededBytes(),
      expiryMs: 60_000,
    }),
    hasCode('CA_CERT_EXPIRY_INVALID'),
  );
});

test('unreadable, oversized and badly signed CSRs are refused', async () => {
  await assert.rejects(readCsrPublicKey('not a csr'), hasCode('CA_CSR_INVALID'));
  const { csrPem } = await createNodeCsr();
  await readCsrPublicKey(csrPem);
  await assert.rejects(readCsrPublicKey(csrPem + ' '.repeat(20_000)), hasCode('CA_CSR_INVALID'));
  // Flip one bit in the signature (the last bytes of the DER).
  const body = csrPem
    .split('\n')
    .filter((line) => !line.startsWith('-----'))
    .join('');
  const der = Buffer.from(body, 'base64');
  der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 1;
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  await assert.rejects(readCsrPublicKey(tampered), hasCode('CA_CSR_INVALID'));
});

test('readNodeIdentity refuses certificates without a node identity', async () => {
  const root = await makeRoot(now);
  // A root has CN but no OU or O.
  assert.throws(() => readNodeIdentity(root.certPem), hasCode('CA_CERT_INVALID'));
  assert.throws(() => readNodeIdentity('nothing'), hasCode('CA_CERT_INVALID'));
});

test('serial numbers come from the injected bytes and are positive', async () => {
  const root = await makeRoot(now);
  const { csrPem } = await createNodeCsr();
  const sign = (seed: number) =>
    signNodeCertificate({
      csrPem,
      issuer: root,
      node: { nodeId: 'n', role: 'worker', clusterId: 'c' },
      now,
      randomBytes: seededBytes(seed),
    });
  const [a, b, c] = await Promise.all([sign(1), sign(1), sign(2)]);
  assert.equal(readNodeIdentity(a ?? '').serialNumber, readNodeIdentity(b ?? '').serialNumber);
  assert.notEqual(readNodeIdentity(a ?? '').serialNumber, readNodeIdentity(c ?? '').serialNumber);
  assert.ok(parseInt(readNodeIdentity(a ?? '').serialNumber.slice(0, 2), 16) < 0x80);
});
