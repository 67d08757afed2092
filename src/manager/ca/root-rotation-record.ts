import type { Cluster, ClusterRootCA } from '../../api/objects/cluster.ts';

/**
 * A root rotation in progress, as the cluster record keeps it (swarmkit's `RootRotation`): the
 * root being rotated in, its key, and the same certificate cross-signed by the current root.
 * Replicated with the record, so a new leader carries on where the old one stopped.
 */
export interface RootRotationRecord {
  /** PEM of the new root certificate. */
  readonly CACert: string;
  /** PEM (PKCS#8) of the new root key. A secret: never logged, never shown by the API. */
  readonly CAKey: string;
  /** PEM of the new root certificate issued by the current root (`RootCA.CACert`). */
  readonly CrossSignedCACert: string;
}

/**
 * `Cluster.RootCA` with the rotation fields: the rotation in progress, if any, and the last
 * `Spec.CAConfig.ForceRotate` value acted on (swarmkit's `LastForcedRotation`), so a spec
 * update that does not change it starts nothing.
 */
export interface RotatingRootCA extends ClusterRootCA {
  readonly RootRotation?: RootRotationRecord;
  readonly LastForcedRotation?: number;
}

/** The cluster's root CA with its rotation fields, or `undefined` before `swarm init`. */
export function rotatingRootCa(cluster: Pick<Cluster, 'RootCA'>): RotatingRootCA | undefined {
  // The extra fields are optional: every ClusterRootCA is a RotatingRootCA.
  return cluster.RootCA;
}

/** The rotation in progress on `cluster`, if any. */
export function rootRotationOf(cluster: Pick<Cluster, 'RootCA'>): RootRotationRecord | undefined {
  return rotatingRootCa(cluster)?.RootRotation;
}

/**
 * The roots a node must trust now: the cluster root, plus the new root during a rotation. Each
 * entry is one PEM certificate, exactly as the record holds it.
 */
export function clusterTrustedRoots(cluster: Pick<Cluster, 'RootCA' | 'TLSInfo'>): string[] {
  const root = cluster.RootCA?.CACert ?? cluster.TLSInfo?.TrustRoot ?? '';
  const rotation = rootRotationOf(cluster);
  return rotation === undefined ? [root] : [root, rotation.CACert];
}
