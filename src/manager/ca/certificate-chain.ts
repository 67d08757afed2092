import { X509Certificate } from 'node:crypto';
import { caError } from './ca-errors.ts';
import { readNodeIdentity } from './node-certificate.ts';
import type { NodeIdentity } from './node-certificate.ts';
import { decodePemBlocks } from './pem.ts';

/** Leaf, at most this many intermediates, then a trusted root: enough for cross-signing. */
const MAX_INTERMEDIATES = 2;

function parseAll(pems: readonly string[]): X509Certificate[] {
  try {
    return pems
      .flatMap((pem) => decodePemBlocks(pem, 'CERTIFICATE'))
      .map((der) => new X509Certificate(der));
  } catch (cause) {
    throw caError('CA_CERT_INVALID', 'a certificate could not be parsed', { cause });
  }
}

function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function signedBy(child: X509Certificate, issuer: X509Certificate, now: number): boolean {
  // checkIssued compares names and key identifiers, which roots sharing `swarm-ca` need;
  // the signature check is what proves it.
  return (
    issuer.ca && validAt(issuer, now) && child.checkIssued(issuer) && child.verify(issuer.publicKey)
  );
}

function reachesRoot(
  cert: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: number,
  depth: number,
): boolean {
  if (roots.some((root) => signedBy(cert, root, now))) return true;
  if (depth >= MAX_INTERMEDIATES) return false;
  return intermediates.some(
    (next) =>
      next !== cert &&
      signedBy(cert, next, now) &&
      reachesRoot(next, intermediates, roots, now, depth + 1),
  );
}

/**
 * Verifies a node's certificate chain (PEM, leaf first, then any intermediates it presents)
 * against trusted root certificates (`trustedRootsPem`, each a PEM bundle) at time `now` (Unix
 * ms), and returns the leaf's identity. Every certificate on the path must be valid at `now`;
 * the leaf must not be a CA. During a root rotation pass both roots: a leaf from the new root
 * carries the cross-signed intermediate, so it also reaches the old root.
 * Throws `CA_PEER_UNAUTHENTICATED` when the chain is empty, expired or reaches no trusted root,
 * and `CA_CERT_INVALID` when a certificate is unreadable or has no node identity.
 */
export function verifyNodeCertificateChain(
  chainPem: string,
  trustedRootsPem: readonly string[],
  now: number,
): NodeIdentity {
  const [leaf, ...intermediates] = parseAll([chainPem]);
  if (leaf === undefined) throw caError('CA_PEER_UNAUTHENTICATED', 'no certificate was presented');
  const roots = parseAll(trustedRootsPem);
  if (leaf.ca) throw caError('CA_PEER_UNAUTHENTICATED', 'a CA certificate cannot identify a node');
  if (!validAt(leaf, now)) {
    throw caError('CA_PEER_UNAUTHENTICATED', 'x509: certificate has expired or is not yet valid');
  }
  if (!reachesRoot(leaf, intermediates, roots, now, 0)) {
    throw caError('CA_PEER_UNAUTHENTICATED', 'x509: certificate signed by unknown authority');
  }
  return readNodeIdentity(leaf.raw);
}
