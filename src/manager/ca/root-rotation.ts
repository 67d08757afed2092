import type { RotationMaterial } from './cross-signed-root.ts';
import type { CertificateIssuer } from './node-certificate.ts';
import type { RootCa } from './root-ca.ts';
import { rootCaDigestHex } from './root-ca.ts';

/** How far one node is in a rotation, as it last reported. */
export interface NodeRotationProgress {
  /** Its certificate was issued by the new root. */
  readonly certRotated: boolean;
  /** It trusts the new root. */
  readonly trustsNewRoot: boolean;
}

/**
 * The cluster's root CA over a `swarm ca --rotate`:
 *
 * ```text
 *            rotate(R2, R2 cross-signed by R1)              every node: cert from R2
 *   stable(R1) ------------------------------> rotating(R1 -> R2) ---------------------> stable(R2)
 *                                               |    ^            and trusts R2
 *                                               +----+ rotate(R3 cross-signed by R1): restart
 * ```
 *
 * `stable`: nodes trust the root alone and the root signs. `rotating`: nodes trust both roots;
 * the new root signs, and each leaf carries the cross-signed certificate, so a node that still
 * trusts only the old root accepts it. Once every node holds a new-root certificate and trusts
 * the new root, the old root is dropped and the join tokens change digest.
 */
export type RootRotationState =
  | { readonly phase: 'stable'; readonly root: RootCa }
  | {
      readonly phase: 'rotating';
      readonly oldRoot: RootCa;
      readonly newRoot: RootCa;
      readonly crossSignedPem: string;
      readonly nodes: ReadonlyMap<string, NodeRotationProgress>;
    };

/** What moves a rotation: a request, membership changes, and what nodes report. */
export type RootRotationEvent =
  | {
      readonly type: 'rotate';
      readonly material: RotationMaterial;
      readonly nodeIds: readonly string[];
    }
  | { readonly type: 'node-joined'; readonly nodeId: string }
  | { readonly type: 'node-removed'; readonly nodeId: string }
  | ({ readonly type: 'node-reported'; readonly nodeId: string } & NodeRotationProgress);

/** What the shell must do after a step, in order. */
export type RootRotationAction =
  /** Send these roots to every node as its trust set (dispatcher session messages). */
  | { readonly type: 'distribute-trust'; readonly rootsPem: readonly string[] }
  /** Have these nodes renew now, from {@link signingIssuer}. */
  | { readonly type: 'reissue-certificates'; readonly nodeIds: readonly string[] }
  /** The rotation finished: make new worker and manager tokens for this root. */
  | { readonly type: 'replace-join-tokens'; readonly rootPem: string };

/** A step's outcome: the next state (the input is never mutated) and the actions. */
export interface RootRotationStep {
  readonly state: RootRotationState;
  readonly actions: readonly RootRotationAction[];
}

/** The state of a cluster that has never rotated: `root` trusted and signing. */
export function stableRoot(root: RootCa): RootRotationState {
  return { phase: 'stable', root };
}

function startRotation(
  current: RootCa,
  material: RotationMaterial,
  nodeIds: readonly string[],
): RootRotationStep {
  const pending = { certRotated: false, trustsNewRoot: false };
  const state: RootRotationState = {
    phase: 'rotating',
    oldRoot: current,
    newRoot: material.newRoot,
    crossSignedPem: material.crossSignedPem,
    nodes: new Map(nodeIds.map((id) => [id, pending])),
  };
  const actions: RootRotationAction[] = [
    { type: 'distribute-trust', rootsPem: trustedRoots(state) },
    { type: 'reissue-certificates', nodeIds: [...nodeIds] },
  ];
  return finishIfDone(state, actions);
}

function finishIfDone(state: RootRotationState, actions: RootRotationAction[]): RootRotationStep {
  if (state.phase !== 'rotating') return { state, actions };
  for (const progress of state.nodes.values()) {
    if (!progress.certRotated || !progress.trustsNewRoot) return { state, actions };
  }
  const done = stableRoot(state.newRoot);
  actions.push({ type: 'distribute-trust', rootsPem: trustedRoots(done) });
  actions.push({ type: 'replace-join-tokens', rootPem: state.newRoot.certPem });
  return { state: done, actions };
}

function withNodes(
  state: Extract<RootRotationState, { phase: 'rotating' }>,
  change: (nodes: Map<string, NodeRotationProgress>) => void,
): RootRotationState {
  const nodes = new Map(state.nodes);
  change(nodes);
  return { ...state, nodes };
}

/**
 * One pure step. `rotate` starts a rotation from the cluster's current root (or restarts one
 * towards another new root, cross-signed by the same current root). Membership events and node
 * reports only matter while rotating, and reports of unknown nodes are ignored; the rotation
 * completes as soon as every tracked node has rotated both its certificate and its trust.
 */
export function stepRootRotation(
  state: RootRotationState,
  event: RootRotationEvent,
): RootRotationStep {
  if (event.type === 'rotate') {
    const current = state.phase === 'stable' ? state.root : state.oldRoot;
    return startRotation(current, event.material, event.nodeIds);
  }
  if (state.phase === 'stable') return { state, actions: [] };
  switch (event.type) {
    case 'node-joined': {
      const next = withNodes(state, (nodes) => {
        if (!nodes.has(event.nodeId))
          nodes.set(event.nodeId, { certRotated: false, trustsNewRoot: false });
      });
      return { state: next, actions: [] };
    }
    case 'node-removed':
      return finishIfDone(
        withNodes(state, (nodes) => nodes.delete(event.nodeId)),
        [],
      );
    case 'node-reported': {
      if (!state.nodes.has(event.nodeId)) return { state, actions: [] };
      const progress = { certRotated: event.certRotated, trustsNewRoot: event.trustsNewRoot };
      return finishIfDone(
        withNodes(state, (nodes) => nodes.set(event.nodeId, progress)),
        [],
      );
    }
  }
}

/** The roots nodes must trust in `state`: the root; or old and new roots while rotating. */
export function trustedRoots(state: RootRotationState): string[] {
  return state.phase === 'stable'
    ? [state.root.certPem]
    : [state.oldRoot.certPem, state.newRoot.certPem];
}

/** The root joining nodes pin (its digest is in the join tokens): the old one until the end. */
export function clusterRoot(state: RootRotationState): RootCa {
  return state.phase === 'stable' ? state.root : state.oldRoot;
}

/** Who signs node certificates in `state`: the root; or the new root plus its cross-signed twin. */
export function signingIssuer(state: RootRotationState): CertificateIssuer {
  if (state.phase === 'stable') return { certPem: state.root.certPem, key: state.root.key };
  return {
    certPem: state.newRoot.certPem,
    key: state.newRoot.key,
    intermediatesPem: state.crossSignedPem,
  };
}

/** The figures `swarm ca --rotate` prints while it waits; `undefined` when not rotating. */
export interface RotationProgress {
  /** `sha256:<hex>` of the new root ("desired root digest"). */
  readonly desiredRootDigest: string;
  /** Nodes whose certificate is from the new root ("rotated TLS certificates"). */
  readonly certificatesRotated: number;
  /** Nodes that trust the new root ("rotated CA certificates"). */
  readonly trustRotated: number;
  readonly total: number;
}

/** Progress of the rotation in `state`, or `undefined` when it is stable. */
export function rotationProgress(state: RootRotationState): RotationProgress | undefined {
  if (state.phase === 'stable') return undefined;
  const all = [...state.nodes.values()];
  return {
    desiredRootDigest: rootCaDigestHex(state.newRoot.certPem),
    certificatesRotated: all.filter((n) => n.certRotated).length,
    trustRotated: all.filter((n) => n.trustsNewRoot).length,
    total: all.length,
  };
}
