import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../base/atomic-file.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';

/**
 * A node's PKI material as kept under `<data-dir>/certificates/`: the cluster's root CA
 * certificate, the node's certificate chain and key. A manager's copy of the root CA key is
 * not here: it is sealed with the Raft data key in the manager keys file (src/manager/keys).
 */
export interface SwarmCertificates {
  readonly rootCaCertPem: string;
  readonly nodeCertPem: string;
  readonly nodeKeyPem: string;
}

const files = {
  rootCaCert: 'swarm-root-ca.crt',
  rootCaKey: 'swarm-root-ca.key',
  nodeCert: 'swarm-node.crt',
  nodeKey: 'swarm-node.key',
} as const;

/**
 * Writes the material atomically, one file each; the node key gets mode 0600, certificates
 * 0644. The directory is created with mode 0700. The node key is stored in clear, as a
 * worker's must be (Docker seals a manager's under autolock; shoal does not yet).
 */
export async function saveSwarmCertificates(dir: string, certs: SwarmCertificates): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, files.rootCaCert), certs.rootCaCertPem, 0o644);
  await writeFileAtomic(join(dir, files.nodeKey), certs.nodeKeyPem, 0o600);
  await writeFileAtomic(join(dir, files.nodeCert), certs.nodeCertPem, 0o644);
}

/** Reads what {@link saveSwarmCertificates} wrote; rejects (ENOENT) when a required file is missing. */
export async function loadSwarmCertificates(dir: string): Promise<SwarmCertificates> {
  const [rootCaCertPem, nodeCertPem, nodeKeyPem] = await Promise.all([
    readFile(join(dir, files.rootCaCert), 'utf8'),
    readFile(join(dir, files.nodeCert), 'utf8'),
    readFile(join(dir, files.nodeKey), 'utf8'),
  ]);
  return { rootCaCertPem, nodeCertPem, nodeKeyPem };
}

/**
 * The plaintext root CA key a manager of an older build wrote (`swarm-root-ca.key`), or
 * undefined when there is none. Only read to seal it into the manager keys file, after which
 * {@link removeLegacyRootCaKey} deletes it.
 */
export async function loadLegacyRootCaKey(dir: string): Promise<string | undefined> {
  return readFile(join(dir, files.rootCaKey), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

/** Deletes the plaintext root CA key of an older build, if present. */
export async function removeLegacyRootCaKey(dir: string): Promise<void> {
  await rm(join(dir, files.rootCaKey), { force: true });
}

/** Deletes the directory and everything in it (`swarm leave`). */
export async function removeSwarmCertificates(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The TLS identity the cluster port presents and trusts, from stored material. */
export function tlsIdentityOf(certs: SwarmCertificates): TlsIdentity {
  return {
    keyPem: certs.nodeKeyPem,
    certChainPem: certs.nodeCertPem,
    trustedRootsPem: [certs.rootCaCertPem],
  };
}
