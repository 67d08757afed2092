import { defaultSwarmSpec } from '../../api/defaults.ts';
import { newObjectId } from '../../api/ids.ts';
import { normalizeSwarmSpec } from '../../api/normalize-swarm-spec.ts';
import type { JoinTokens, SwarmSpec } from '../../api/objects/cluster.ts';
import { toEngineSwarm } from '../../api/objects/cluster.ts';
import type { EngineSwarm } from '../../api/objects/cluster.ts';
import type { NodeAvailability, NodeDescription } from '../../api/objects/node.ts';
import {
  validateDataPathPort,
  validateDefaultAddrPool,
  validateSwarmSpec,
} from '../../api/validate/cluster-spec.ts';
import type { Problem } from '../../api/validate/spec-error.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import type { ClusterRecord } from '../../store/tables.ts';
import { clusters, nodes, raftMembers } from '../../store/tables.ts';
import { generateJoinTokens, rotateJoinToken } from '../ca/join-token.ts';
import type { RandomBytes } from '../ca/random-bytes.ts';
import { validateSigningCa } from '../ca/signing-ca.ts';
import { formatUnlockKey, generateUnlockKey } from '../ca/unlock-key.ts';
import { swarmExists, swarmNotInitialized } from './control-errors.ts';
import type { ControlDeps } from './control-deps.ts';

/** What `swarm init` needs, after the engine has chosen addresses and made the root CA. */
export interface InitClusterRequest {
  /** The first manager's node ID (the CN of its certificate). */
  readonly nodeId: string;
  /** The first manager's raft ID (its RaftNode bootstrapped with itself as the only voter). */
  readonly raftId: number;
  /** The address other managers reach it at (`host:port`). */
  readonly addr: string;
  /** PEM of the cluster root CA certificate; join tokens pin its digest. */
  readonly rootCaCert: string;
  /** PEM of the root key, when this cluster signs its own certificates. */
  readonly rootCaKey?: string;
  /** The user's spec; zero fields take the defaults. */
  readonly spec?: SwarmSpec;
  readonly defaultAddrPool?: readonly string[];
  readonly subnetSize?: number;
  readonly dataPathPort?: number;
  readonly availability?: NodeAvailability;
  readonly description?: NodeDescription;
}

/** The flags of `POST /swarm/update`. */
export interface SwarmRotation {
  readonly rotateWorkerToken?: boolean;
  readonly rotateManagerToken?: boolean;
  readonly rotateManagerUnlockKey?: boolean;
}

function throwIf(problem: Problem): void {
  if (problem) throw problem;
}

/** The cluster object, or `SWARM_NOT_INITIALIZED`. */
export function requireCluster(reader: StoreReader): ClusterRecord {
  const cluster = reader.all(clusters)[0];
  if (!cluster) throw swarmNotInitialized();
  return cluster;
}

function newUnlockKey(randomBytes: RandomBytes): string {
  return formatUnlockKey(generateUnlockKey(randomBytes));
}

/**
 * `swarm init`: writes, in one transaction, the cluster object (spec with defaults, fresh
 * join tokens pinned to `rootCaCert`, unlock key under autolock), the first manager's Node
 * (role manager, accepted, ready) and its Raft member record. Resolves with the node ID.
 * Throws `SPEC_INVALID` for a bad spec, pool or data path port (Docker's texts) and
 * `SWARM_EXISTS` when a cluster already exists.
 */
export async function initCluster(
  store: MemoryStore,
  request: InitClusterRequest,
  deps: ControlDeps,
): Promise<string> {
  const given = request.spec ?? defaultSwarmSpec();
  throwIf(validateSwarmSpec(given));
  throwIf(validateDataPathPort(request.dataPathPort));
  throwIf(validateDefaultAddrPool(request.defaultAddrPool, request.subnetSize ?? 0));
  const spec = normalizeSwarmSpec(given);
  const tokens = generateJoinTokens(request.rootCaCert, deps.randomBytes);
  await store.update((tx) => {
    if (tx.all(clusters).length > 0) throw swarmExists();
    const autolock = spec.EncryptionConfig?.AutoLockManagers === true;
    tx.create(clusters, {
      id: newObjectId(deps.randomBytes),
      Spec: spec,
      JoinTokens: { Worker: tokens.worker, Manager: tokens.manager },
      TLSInfo: { TrustRoot: request.rootCaCert },
      RootCA: {
        CACert: request.rootCaCert,
        ...(request.rootCaKey === undefined ? {} : { CAKey: request.rootCaKey }),
      },
      ...(request.defaultAddrPool === undefined
        ? {}
        : { DefaultAddrPool: request.defaultAddrPool }),
      ...(request.subnetSize === undefined ? {} : { SubnetSize: request.subnetSize }),
      ...(request.dataPathPort === undefined ? {} : { DataPathPort: request.dataPathPort }),
      ...(autolock ? { UnlockKey: newUnlockKey(deps.randomBytes) } : {}),
    });
    tx.create(nodes, {
      id: request.nodeId,
      Spec: { Labels: {}, Role: 'manager', Availability: request.availability || 'active' },
      Description: request.description ?? {},
      Status: { State: 'ready', Addr: hostOf(request.addr) },
      ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: request.addr },
      Role: 'manager',
      Membership: 'accepted',
    });
    tx.create(raftMembers, {
      id: String(request.raftId),
      RaftID: request.raftId,
      NodeID: request.nodeId,
      Addr: request.addr,
    });
  });
  return request.nodeId;
}

/** The host part of `host:port` (brackets of an IPv6 literal removed). */
export function hostOf(addr: string): string {
  const at = addr.lastIndexOf(':');
  const host = at < 0 ? addr : addr.slice(0, at);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `GET /swarm`: the Engine API `Swarm`, join tokens included. Throws `SWARM_NOT_INITIALIZED`. */
export function getSwarm(reader: StoreReader): EngineSwarm {
  return toEngineSwarm(requireCluster(reader));
}

/** `GET /swarm/unlockkey`: the unlock key, `''` when autolock is off. */
export function getUnlockKey(reader: StoreReader): { UnlockKey: string } {
  return { UnlockKey: requireCluster(reader).UnlockKey ?? '' };
}

function rotatedTokens(
  current: JoinTokens,
  rotation: SwarmRotation,
  randomBytes: RandomBytes,
): JoinTokens {
  let tokens = { worker: current.Worker, manager: current.Manager };
  if (rotation.rotateWorkerToken) tokens = rotateJoinToken(tokens, 'worker', randomBytes);
  if (rotation.rotateManagerToken) tokens = rotateJoinToken(tokens, 'manager', randomBytes);
  return { Worker: tokens.worker, Manager: tokens.manager };
}

/**
 * `POST /swarm/update?version=`: replaces the spec whole (zero fields take the defaults),
 * rotates the tokens asked for, and keeps the unlock key in step with autolock (a new key
 * when autolock turns on or on `rotateManagerUnlockKey`, none when it is off). Throws
 * `SPEC_INVALID` (Docker's texts), `CA_CERT_INVALID` for an unusable signing CA (see
 * validateSigningCa; the rotation itself is the leader's ca-rotation loop),
 * `SWARM_NOT_INITIALIZED`, and `STORE_SEQUENCE_CONFLICT` ("update out of sequence") when
 * `version` is not the cluster's current version.
 */
export async function updateSwarm(
  store: MemoryStore,
  spec: SwarmSpec,
  version: number,
  rotation: SwarmRotation,
  deps: ControlDeps,
): Promise<void> {
  throwIf(validateSwarmSpec(spec));
  await validateSigningCa(spec.CAConfig);
  const normalized = normalizeSwarmSpec(spec);
  await store.update((tx) => {
    const { UnlockKey: oldKey, ...cluster } = requireCluster(tx);
    const autolock = normalized.EncryptionConfig?.AutoLockManagers === true;
    const key =
      autolock && (oldKey === undefined || rotation.rotateManagerUnlockKey === true)
        ? newUnlockKey(deps.randomBytes)
        : oldKey;
    tx.update(clusters, {
      ...cluster,
      meta: { ...cluster.meta, version },
      Spec: normalized,
      JoinTokens: rotatedTokens(cluster.JoinTokens, rotation, deps.randomBytes),
      ...(autolock && key !== undefined ? { UnlockKey: key } : {}),
    });
  });
}
