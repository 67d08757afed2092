import { InvariantError } from '../../base/errors.ts';
import { caError, certExpiryTooShort } from './ca-errors.ts';
import { roleFromOrganizationalUnit, roleOrganizationalUnit } from './node-role.ts';
import type { NodeRole } from './node-role.ts';
import { decodePemBlocks, splitCertificates } from './pem.ts';
import type { RandomBytes } from './random-bytes.ts';
import {
  BACKDATE_MS,
  ROOT_CA_COMMON_NAME,
  randomSerialNumber,
  readCaCertificate,
} from './root-ca.ts';
import type { SigningKey } from './signing-key.ts';
import { ecdsaP256, x509 } from './x509-library.ts';
import type { EcKeyAlgorithm } from './x509-library.ts';

/** Swarm's default node certificate validity (`--cert-expiry 2160h`): 90 days. */
export const DEFAULT_NODE_CERT_EXPIRY_MS = 90 * 24 * 3_600_000;
/** The shortest node certificate validity Swarm accepts: one hour. */
export const MIN_NODE_CERT_EXPIRY_MS = 3_600_000;
/** CSRs beyond this size are refused unread; a P-256 request is well under 1 KiB. */
const MAX_CSR_PEM_CHARS = 16_384;
const serverAuth = '1.3.6.1.5.5.7.3.1';
const clientAuth = '1.3.6.1.5.5.7.3.2';
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What signs node certificates: the issuing CA certificate and its key, plus intermediates
 * appended after each leaf. Normally the root with no intermediates; during a root rotation the
 * new root, with the new root cross-signed by the old one as intermediate.
 */
export interface CertificateIssuer {
  readonly certPem: string;
  readonly key: SigningKey;
  readonly intermediatesPem?: string;
}

/** The CA's own record of a node: the only source of a certificate's subject. */
export interface NodeRecord {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
}

/** Inputs of {@link signNodeCertificate}; `now` is Unix milliseconds from the caller's Clock. */
export interface SignNodeCertificateInput {
  readonly csrPem: string;
  readonly issuer: CertificateIssuer;
  readonly node: NodeRecord;
  readonly now: number;
  readonly randomBytes: RandomBytes;
  /** Validity from `now`; defaults to 90 days, at least one hour. */
  readonly expiryMs?: number;
}

/** Who a node certificate says its holder is, and when it is valid (Unix milliseconds). */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly serialNumber: string;
}

/** Throws `CA_CERT_EXPIRY_INVALID` ("minimum certificate expiry time is: 1h0m0s") below 1 h. */
export function validateNodeCertExpiry(expiryMs: number): void {
  if (!Number.isFinite(expiryMs) || expiryMs < MIN_NODE_CERT_EXPIRY_MS) throw certExpiryTooShort();
}

/**
 * Reads and checks a CSR: the signature must verify and the key must be ECDSA P-256. Returns
 * the requested public key; nothing else of the request is used. Throws `CA_CSR_INVALID`.
 */
export async function readCsrPublicKey(csrPem: string): Promise<x509.PublicKey> {
  const der =
    csrPem.length <= MAX_CSR_PEM_CHARS
      ? decodePemBlocks(csrPem, 'CERTIFICATE REQUEST')[0]
      : undefined;
  if (der === undefined) {
    throw caError(
      'CA_CSR_INVALID',
      'no certificate signing request (BEGIN CERTIFICATE REQUEST) found, or it is too large',
    );
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(der);
  } catch (cause) {
    throw caError('CA_CSR_INVALID', 'the certificate signing request could not be parsed', {
      cause,
    });
  }
  const algorithm = csr.publicKey.algorithm as EcKeyAlgorithm;
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
    throw caError(
      'CA_CSR_INVALID',
      'the certificate signing request must carry an ECDSA P-256 key',
    );
  }
  if (!(await csr.verify())) {
    throw caError('CA_CSR_INVALID', 'the certificate signing request signature does not verify');
  }
  return csr.publicKey;
}

async function leafExtensions(
  record: NodeRecord,
  publicKey: x509.PublicKey,
  issuer: x509.X509Certificate,
): Promise<x509.Extension[]> {
  const ou = roleOrganizationalUnit[record.role];
  // Swarm names the role and node in the SANs, and lets managers answer as `swarm-ca`.
  const dnsNames =
    record.role === 'manager' ? [ou, record.nodeId, ROOT_CA_COMMON_NAME] : [ou, record.nodeId];
  const issuerKeyId = issuer.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (issuerKeyId === undefined) {
    throw caError('CA_CERT_INVALID', 'the issuing CA certificate has no subject key identifier');
  }
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([serverAuth, clientAuth]),
    new x509.SubjectAlternativeNameExtension(
      dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    new x509.AuthorityKeyIdentifierExtension(issuerKeyId),
  ];
}

/**
 * Signs a node certificate for the key in `csrPem`. Subject O = cluster ID, OU = role, CN = node
 * ID, all from `node` (the CA's records), never from the request; valid from `now - 1h` to `now +
 * expiryMs`; serverAuth and clientAuth. Returns the PEM chain: the leaf, then the issuer's
 * intermediates. Throws `CA_CSR_INVALID`, `CA_CERT_EXPIRY_INVALID` or `CA_CERT_INVALID`.
 */
export async function signNodeCertificate(input: SignNodeCertificateInput): Promise<string> {
  const { node, issuer } = input;
  if (!idPattern.test(node.nodeId) || !idPattern.test(node.clusterId)) {
    throw new InvariantError(
      'node-record-ids',
      `node ${node.nodeId} / cluster ${node.clusterId} are not plain IDs`,
    );
  }
  const expiryMs = input.expiryMs ?? DEFAULT_NODE_CERT_EXPIRY_MS;
  validateNodeCertExpiry(expiryMs);
  const publicKey = await readCsrPublicKey(input.csrPem);
  const issuerCert = readCaCertificate(issuer.certPem);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(input.randomBytes),
    subject: [
      { O: [node.clusterId] },
      { OU: [roleOrganizationalUnit[node.role]] },
      { CN: [node.nodeId] },
    ],
    issuer: issuerCert.subjectName,
    notBefore: new Date(input.now - BACKDATE_MS),
    notAfter: new Date(input.now + expiryMs),
    signingAlgorithm: ecdsaP256,
    publicKey,
    signingKey: issuer.key.privateKey,
    extensions: await leafExtensions(node, publicKey, issuerCert),
  });
  return [cert.toString('pem') + '\n', ...splitCertificates(issuer.intermediatesPem ?? '')].join(
    '',
  );
}

function singleField(name: x509.Name, field: string): string {
  const values = name.getField(field);
  const value = values[0];
  if (values.length !== 1 || value === undefined || value === '') {
    throw caError(
      'CA_CERT_INVALID',
      `a node certificate must have exactly one ${field} in its subject`,
    );
  }
  return value;
}

/**
 * The identity in a node certificate: the first certificate of `pem` (a leaf-first chain), or
 * DER bytes. Does not verify anything: see certificate-chain.ts. Throws `CA_CERT_INVALID` when
 * the certificate is unreadable or its subject lacks one CN, one known OU and one O.
 */
export function readNodeIdentity(certificate: string | Uint8Array): NodeIdentity {
  const der =
    typeof certificate === 'string' ? decodePemBlocks(certificate, 'CERTIFICATE')[0] : certificate;
  if (der === undefined) {
    throw caError('CA_CERT_INVALID', 'no certificate (BEGIN CERTIFICATE) found');
  }
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(der);
  } catch (cause) {
    throw caError('CA_CERT_INVALID', 'the node certificate could not be parsed', { cause });
  }
  const ou = singleField(cert.subjectName, 'OU');
  const role = roleFromOrganizationalUnit(ou);
  if (role === undefined) {
    throw caError('CA_CERT_INVALID', `unknown node role ${JSON.stringify(ou)} in certificate`);
  }
  return {
    nodeId: singleField(cert.subjectName, 'CN'),
    role,
    clusterId: singleField(cert.subjectName, 'O'),
    notBefore: cert.notBefore.getTime(),
    notAfter: cert.notAfter.getTime(),
    serialNumber: cert.serialNumber,
  };
}
