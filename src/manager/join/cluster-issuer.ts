import type { StoreReader } from '../../store/store-reader.ts';
import type { ClusterRecord } from '../../store/tables.ts';
import { caError } from '../ca/ca-errors.ts';
import type { CertificateIssuer } from '../ca/node-certificate.ts';
import { DEFAULT_NODE_CERT_EXPIRY_MS } from '../ca/node-certificate.ts';
import { loadRootCa } from '../ca/root-ca.ts';
import { clusterTrustedRoots, rootRotationOf } from '../ca/root-rotation-record.ts';
import { requireCluster } from '../controlapi/swarm.ts';

/** What signs a node certificate now, and for how long, from the cluster record. */
export interface ClusterSigning {
  readonly clusterId: string;
  /** The root CA bundle joiners and renewing nodes trust. */
  readonly rootCA: string;
  readonly issuer: CertificateIssuer;
  readonly expiryMs: number;
  /** The roots a renewing node must trust: the root, plus the new one during a rotation. */
  readonly trustedRoots: readonly string[];
}

/** Where the CA key comes from: the cluster record (default) or an injected issuer. */
export type IssuerSource = (cluster: ClusterRecord) => Promise<CertificateIssuer>;

/**
 * An {@link IssuerSource} reading `RootCA.CACert`/`CAKey` of the cluster record (as
 * `initCluster` stores them), caching the imported key per certificate/key pair. During a root
 * rotation (`RootCA.RootRotation`) the new root signs, and its cross-signed certificate follows
 * each leaf, so nodes still trusting only the old root accept it. Throws
 * `CA_CERT_INVALID` when the record holds no key (an external CA, which shoal does not run)
 * or a key that is not the certificate's.
 */
export function recordIssuerSource(): IssuerSource {
  let cached:
    | { cert: string; key: string; chain: string | undefined; issuer: Promise<CertificateIssuer> }
    | undefined;
  return (cluster) => {
    const rotation = rootRotationOf(cluster);
    const cert = rotation?.CACert ?? cluster.RootCA?.CACert;
    const key = rotation?.CAKey ?? cluster.RootCA?.CAKey;
    if (cert === undefined || key === undefined) {
      return Promise.reject(
        caError(
          'CA_CERT_INVALID',
          'this cluster holds no root CA key: it cannot sign certificates',
        ),
      );
    }
    const intermediates = rotation?.CrossSignedCACert;
    // The new root signs with and then without its cross-signed twin: both are part of the key.
    if (cached?.cert !== cert || cached.key !== key || cached.chain !== intermediates) {
      const issuer = loadRootCa(cert, key).then((root) =>
        intermediates === undefined ? root : { ...root, intermediatesPem: intermediates },
      );
      cached = { cert, key, chain: intermediates, issuer };
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
    trustedRoots: clusterTrustedRoots(cluster),
  };
}
