import type { TLSInfo } from '../../api/objects/common.ts';
import type { Node } from '../../api/objects/node.ts';
import type { ClusterRecord } from '../../store/tables.ts';
import { caIssuerInfo, sameIssuer } from '../ca/certificate-issuer-info.ts';
import { rotatingRootCa } from '../ca/root-rotation-record.ts';
import type { RootRotationRecord } from '../ca/root-rotation-record.ts';

/** A signing CA the user gave (`swarm ca --rotate --ca-cert --ca-key`). */
export interface GivenSigningCa {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * The one thing to do next about the cluster's root CA:
 *
 * ```text
 *   stable(R1) --ForceRotate changed / new signing CA--> rotating(R1 -> R2) --every live node
 *       ^                                                     |    reports a cert from R2--+
 *       |                                                     +-- ForceRotate again:        |
 *       |                                                         restart towards R3      |
 *       +------------------------------- finish: R2 is the root, new tokens <-------------+
 * ```
 *
 * `start`: make (or take `signing`) a new root, cross-sign it with the current root and record
 * the rotation; `acknowledge`: a ForceRotate bump with a signing CA already in place, only
 * recorded; `finish`: the new root becomes the root; `describe`: rewrite the cluster's
 * `TLSInfo` to `tlsInfo`; `wait`: a rotation waits for the listed nodes.
 */
export type RootRotationDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'start'; readonly forceRotate: number; readonly signing?: GivenSigningCa }
  | { readonly kind: 'acknowledge'; readonly forceRotate: number }
  | { readonly kind: 'finish'; readonly rotation: RootRotationRecord }
  | { readonly kind: 'describe'; readonly tlsInfo: TLSInfo }
  | { readonly kind: 'wait'; readonly pendingNodeIds: readonly string[] };

function given(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

function startDecision(cluster: ClusterRecord): RootRotationDecision | undefined {
  const rootCa = rotatingRootCa(cluster);
  if (rootCa === undefined) return undefined;
  const ca = cluster.Spec.CAConfig ?? {};
  const forceRotate = ca.ForceRotate ?? 0;
  const forced = forceRotate !== (rootCa.LastForcedRotation ?? 0);
  const cert = given(ca.SigningCACert);
  const key = given(ca.SigningCAKey);
  if (cert !== undefined && key !== undefined) {
    const target = rootCa.RootRotation?.CACert ?? rootCa.CACert;
    if (cert.trim() !== target.trim()) {
      return { kind: 'start', forceRotate, signing: { certPem: cert, keyPem: key } };
    }
    return forced ? { kind: 'acknowledge', forceRotate } : undefined;
  }
  return forced ? { kind: 'start', forceRotate } : undefined;
}

/**
 * The cluster `TLSInfo` for the root CA state: the root as `TrustRoot`, and as issuer the CA
 * that signs now (the new root during a rotation), which `swarm ca --rotate` compares each
 * node's `Description.TLSInfo` with.
 */
export function desiredClusterTlsInfo(cluster: ClusterRecord): TLSInfo | undefined {
  const rootCa = rotatingRootCa(cluster);
  if (rootCa === undefined) return undefined;
  const signer = rootCa.RootRotation?.CACert ?? rootCa.CACert;
  return { TrustRoot: rootCa.CACert, ...caIssuerInfo(signer) };
}

function sameTlsInfo(a: TLSInfo | undefined, b: TLSInfo): boolean {
  return (
    a?.TrustRoot === b.TrustRoot &&
    a?.CertIssuerSubject === b.CertIssuerSubject &&
    a?.CertIssuerPublicKey === b.CertIssuerPublicKey
  );
}

/**
 * The nodes a rotation waits for: every node not `down` whose reported certificate issuer
 * (`Description.TLSInfo`) is not the new root. Down nodes do not hold a rotation up (a node
 * that is gone for good would block it forever); one that comes back after the rotation ended
 * holds a certificate the cluster no longer trusts, and must leave and join again.
 */
export function nodesAwaitingRotation(
  rotation: RootRotationRecord,
  allNodes: readonly Node[],
): string[] {
  const issuer = caIssuerInfo(rotation.CACert);
  return allNodes
    .filter((n) => n.Status.State !== 'down' && !sameIssuer(n.Description?.TLSInfo, issuer))
    .map((n) => n.id);
}

/**
 * The next step of the root CA for `cluster` and `allNodes`, in order of priority: start (or
 * restart) a rotation the spec asks for, finish a rotation no live node holds up, bring the
 * cluster's `TLSInfo` in line during a rotation, or wait. Pure and level-triggered: it reads only the replicated
 * records, so a new leader decides what the old one would have.
 */
export function planRootRotation(
  cluster: ClusterRecord,
  allNodes: readonly Node[],
): RootRotationDecision {
  const start = startDecision(cluster);
  if (start !== undefined) return start;
  const rotation = rotatingRootCa(cluster)?.RootRotation;
  if (rotation !== undefined) {
    const pendingNodeIds = nodesAwaitingRotation(rotation, allNodes);
    if (pendingNodeIds.length === 0) return { kind: 'finish', rotation };
    const tlsInfo = desiredClusterTlsInfo(cluster);
    if (tlsInfo !== undefined && !sameTlsInfo(cluster.TLSInfo, tlsInfo)) {
      return { kind: 'describe', tlsInfo };
    }
    return { kind: 'wait', pendingNodeIds };
  }
  // A stable cluster's TLSInfo is written by init and by `finish`; rewriting it here would bump
  // the cluster version under a `swarm update` that has just read it.
  return { kind: 'none' };
}
