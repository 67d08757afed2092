import type { StoreReader } from '../../store/store-reader.ts';
import type { ClusterRecord } from '../../store/tables.ts';
import { caError } from '../ca/ca-errors.ts';
import type { CertificateIssuer } from '../ca/node-certificate.ts';
import { DEFAULT_NODE_CERT_EXPIRY_MS } from '../ca/node-certificate.ts';
import { loadRootCa } from '../ca/root-ca.ts';
import { requireCluster } from '../controlapi/swarm.ts';

/** What signs a node certificate now, and for how long, from the cluster record. */
export interface ClusterSigning {
  readonly clusterId: string;
  /** The root CA bundle joiners and renewing nodes trust. */
  readonly rootCA: string;
  readonly issuer: CertificateIssuer;
  readonly expiryMs: number;
}

/** Where the CA key comes from: the cluster record (default) or an injected issuer. */
export type IssuerSource = (cluster: ClusterRecord) => Promise<CertificateIssuer>;

/**
 * An {@link IssuerSource} reading `RootCA.CACert`/`CAKey` of the cluster record (as
 * `initCluster` stores them), caching the imported key per certificate/key pair. Throws
 * `CA_CERT_INVALID` when the record holds no key (an external CA, which shoal does not run)
 * or a key that is not the certificate's.
 */
export function recordIssuerSource(): IssuerSource {
  let cached: { cert: string; key: string; issuer: Promise<CertificateIssuer> } | undefined;
  return (cluster) => {
    const cert = cluster.RootCA?.CACert;
    const key = cluster.RootCA?.CAKey;
    if (cert === undefined || key === undefined) {
      return Promise.reject(
        caError(
          'CA_CERT_INVALID',
          'this cluster holds no root CA key: it cannot sign certificates',
        ),
      );
    }
    if (cached?.cert !== cert || cached.key !== key) {
      const issuer = loadRootCa(cert, key);
      cached = { cert, key, issuer };
      // A failed load is not cached: the next call retries.
      issuer.catch(() => {
        if (cached?.issuer === issuer) cached = undefined;
      });
    }
    return cached.issuer;
  };
}

/**
 * The signing material for a certificate issued now: the cluster ID (the certificates' O),
 * the trusted root, the issuer from `source`, and the validity from `Spec.CAConfig.NodeCertExpiry`
 * (nanoseconds; 90 days when unset). Throws `SWARM_NOT_INITIALIZED` without a cluster.
 */
export async function clusterSigning(
  reader: StoreReader,
  source: IssuerSource,
): Promise<ClusterSigning> {
  const cluster = requireCluster(reader);
  const expiryNs = cluster.Spec.CAConfig?.NodeCertExpiry;
  return {
    clusterId: cluster.id,
    rootCA: cluster.RootCA?.CACert ?? cluster.TLSInfo?.TrustRoot ?? '',
    issuer: await source(cluster),
    expiryMs: expiryNs ? Math.floor(expiryNs / 1_000_000) : DEFAULT_NODE_CERT_EXPIRY_MS,
  };
}
