import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { ShoalError } from '../../../src/base/errors.ts';
import { decodePemBlocks } from '../../../src/manager/ca/pem.ts';
import {
  ROOT_CA_VALIDITY_MS,
  loadRootCa,
  readCaCertificate,
  rootCaDigest,
  rootCaDigestHex,
} from '../../../src/manager/ca/root-ca.ts';
import { createNodeCsr } from '../../../src/manager/ca/node-csr.ts';
import { makeRoot } from './cluster-pki.ts';

const now = Date.UTC(2030, 0, 1);
const hasCode = (code: string) => (error: unknown) =>
  error instanceof ShoalError && error.code === code;

test('a root CA is a self-signed P-256 CA named swarm-ca, valid 20 years from an hour ago', async () => {
  const root = await makeRoot(now);
  const cert = new X509Certificate(root.certPem);
  assert.equal(cert.subject, 'CN=swarm-ca');
  assert.equal(cert.issuer, 'CN=swarm-ca');
  assert.ok(cert.ca);
  assert.ok(cert.verify(cert.publicKey));
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(Date.parse(cert.validFrom), now - 3_600_000);
  assert.equal(Date.parse(cert.validTo), now + ROOT_CA_VALIDITY_MS);
  assert.match(root.key.pem, /^-----BEGIN PRIVATE KEY-----\n/);
});

test('the digest is SHA-256 of the DER certificate in base 36, padded to 50', async () => {
  const root = await makeRoot(now);
  const der = decodePemBlocks(root.certPem, 'CERTIFICATE')[0];
  assert.ok(der);
  const hex = createHash('sha256').update(der).digest('hex');
  const digest = rootCaDigest(root.certPem);
  assert.equal(digest.length, 50);
  assert.equal(
    BigInt('0x' + hex)
      .toString(36)
      .padStart(50, '0'),
    digest,
  );
  assert.equal(rootCaDigestHex(root.certPem), `sha256:${hex}`);
  // Line wrapping and surrounding text do not change it: the DER is what is hashed.
  const rewrapped = `comment\n${root.certPem.replace(/\n(?!-)/g, '\r\n')}`;
  assert.equal(rootCaDigest(rewrapped), digest);
});

test('a root loads back from its PEM files, and only with its own key', async () => {
  const root = await makeRoot(now);
  const other = await makeRoot(now, 2);
  const loaded = await loadRootCa(root.certPem, root.key.pem);
  assert.equal(loaded.certPem, root.certPem);
  await assert.rejects(loadRootCa(root.certPem, other.key.pem), hasCode('CA_CERT_INVALID'));
  await assert.rejects(loadRootCa(root.certPem, 'nothing'), hasCode('CA_CERT_INVALID'));
});

test('readCaCertificate refuses non-PEM text and non-CA certificates', async () => {
  assert.throws(() => readCaCertificate('no pem here'), hasCode('CA_CERT_INVALID'));
  const garbage = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  assert.throws(() => readCaCertificate(garbage), hasCode('CA_CERT_INVALID'));
  const csr = await createNodeCsr();
  assert.throws(() => readCaCertificate(csr.csrPem), hasCode('CA_CERT_INVALID'));
});
