import { roleOrganizationalUnit } from './node-role.ts';
import type { NodeRole } from './node-role.ts';
import { generateSigningKey } from './signing-key.ts';
import type { SigningKey } from './signing-key.ts';
import { ecdsaP256, x509 } from './x509-library.ts';

/** What a node asks to be named in its certificate; a first join knows none of it yet. */
export interface CsrSubject {
  readonly nodeId?: string;
  readonly role?: NodeRole;
  readonly clusterId?: string;
}

/** A node's new private key and the PKCS#10 request carrying its public key. */
export interface NodeCsr {
  /** Stays on the node; only `csrPem` is sent to the CA. */
  readonly key: SigningKey;
  readonly csrPem: string;
}

/**
 * A fresh P-256 key and a certificate signing request for it, signed with that key. The subject
 * holds whichever of O = cluster ID, OU = role and CN = node ID are given. It is only a request:
 * the CA names the certificate from its own records and ignores the subject.
 */
export async function createNodeCsr(subject: CsrSubject = {}): Promise<NodeCsr> {
  const key = await generateSigningKey();
  const name: Record<string, string[]>[] = [];
  if (subject.clusterId !== undefined) name.push({ O: [subject.clusterId] });
  if (subject.role !== undefined) name.push({ OU: [roleOrganizationalUnit[subject.role]] });
  if (subject.nodeId !== undefined) name.push({ CN: [subject.nodeId] });
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    signingAlgorithm: ecdsaP256,
    keys: { privateKey: key.privateKey, publicKey: key.publicKey },
  });
  return { key, csrPem: csr.toString('pem') + '\n' };
}
