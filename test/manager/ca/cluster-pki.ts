import { SeededRng } from '../../../src/base/rng.ts';
import { createNodeCsr } from '../../../src/manager/ca/node-csr.ts';
import { signNodeCertificate } from '../../../src/manager/ca/node-certificate.ts';
import type { CertificateIssuer, NodeRecord } from '../../../src/manager/ca/node-certificate.ts';
import { rngRandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import type { RandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import { createRootCa } from '../../../src/manager/ca/root-ca.ts';
import type { RootCa } from '../../../src/manager/ca/root-ca.ts';
import type { TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';

/** Repeatable bytes for a test, seeded per call site. */
export function seededBytes(seed = 1): RandomBytes {
  return rngRandomBytes(new SeededRng(seed));
}

/** A root CA valid around `now` (Unix ms). */
export function makeRoot(now: number, seed = 1): Promise<RootCa> {
  return createRootCa({ now, randomBytes: seededBytes(seed) });
}

/** Options of {@link issueIdentity}. */
export interface IssueOptions {
  readonly now: number;
  readonly trustedRootsPem: readonly string[];
  readonly expiryMs?: number;
  readonly seed?: number;
}

/** A node's full TLS identity: new key, CSR signed by `issuer` for `record`, trusted roots. */
export async function issueIdentity(
  issuer: CertificateIssuer,
  record: NodeRecord,
  options: IssueOptions,
): Promise<TlsIdentity> {
  const { key, csrPem } = await createNodeCsr(record);
  const certChainPem = await signNodeCertificate({
    csrPem,
    issuer,
    node: record,
    now: options.now,
    randomBytes: seededBytes(options.seed ?? 7),
    ...(options.expiryMs === undefined ? {} : { expiryMs: options.expiryMs }),
  });
  return { keyPem: key.pem, certChainPem, trustedRootsPem: options.trustedRootsPem };
}
