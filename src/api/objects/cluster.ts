import type { Annotations, Driver, EngineEnvelope, Nanoseconds, StoredObject } from './common.ts';
import type { TLSInfo } from './common.ts';
import { toEngineEnvelope } from './envelope.ts';

/** An external CA that node certificate requests are forwarded to (only `cfssl`). */
export interface ExternalCA {
  readonly Protocol: 'cfssl';
  readonly URL: string;
  readonly Options?: Readonly<Record<string, string>>;
  /** PEM of the root this CA issues under; the cluster root when empty. */
  readonly CACert?: string;
}

/** How many dead tasks are kept per slot. */
export interface OrchestrationConfig {
  /** Negative keeps every task forever. */
  readonly TaskHistoryRetentionLimit?: number;
}

/** Raft tuning; ticks are seconds with Swarm's 1 s tick. */
export interface RaftConfig {
  readonly SnapshotInterval?: number;
  readonly KeepOldSnapshots?: number;
  readonly LogEntriesForSlowFollowers?: number;
  /** Must exceed `HeartbeatTick`. */
  readonly ElectionTick?: number;
  readonly HeartbeatTick?: number;
}

/** Agent heartbeat period. */
export interface DispatcherConfig {
  readonly HeartbeatPeriod?: Nanoseconds;
}

/** Certificate authority settings. */
export interface CAConfig {
  /** Validity of node certificates; at least one hour. */
  readonly NodeCertExpiry?: Nanoseconds;
  readonly ExternalCAs?: readonly ExternalCA[];
  /** Write-only: a new signing certificate (PEM) to rotate to; never returned. */
  readonly SigningCACert?: string;
  /** Write-only: the key of `SigningCACert` (PEM); never returned. */
  readonly SigningCAKey?: string;
  /** Bump to force a new signing CA to be generated. */
  readonly ForceRotate?: number;
}

/** Encryption at rest of the managers' Raft data. */
export interface EncryptionConfig {
  /** Lock managers on restart until `swarm unlock` is given the unlock key. */
  readonly AutoLockManagers?: boolean;
}

/** Defaults for tasks of services that do not set them. */
export interface TaskDefaults {
  readonly LogDriver?: Driver;
}

/** The user-modifiable swarm configuration (Docker's `SwarmSpec`); its name is always "default". */
export interface SwarmSpec extends Annotations {
  readonly Orchestration?: OrchestrationConfig;
  readonly Raft?: RaftConfig;
  readonly Dispatcher?: DispatcherConfig;
  readonly CAConfig?: CAConfig;
  readonly EncryptionConfig?: EncryptionConfig;
  readonly TaskDefaults?: TaskDefaults;
}

/** The tokens nodes present to join: the token decides the role. */
export interface JoinTokens {
  /** `SWMTKN-1-<50 base36 CA digest>-<25 base36 secret>`. */
  readonly Worker: string;
  readonly Manager: string;
}

/** shoal-internal CA material of the cluster; the CA component owns it, the API never shows the key. */
export interface ClusterRootCA {
  /** PEM of the root certificate. */
  readonly CACert: string;
  /** PEM of the root key; absent when an external CA signs. */
  readonly CAKey?: string;
  /** `sha256:<hex>` digest of `CACert`, the one join tokens pin. */
  readonly CACertHash?: string;
}

/** The cluster (swarm) object as the store holds it; there is exactly one. */
export interface Cluster extends StoredObject {
  readonly Spec: SwarmSpec;
  readonly JoinTokens: JoinTokens;
  readonly TLSInfo?: TLSInfo;
  readonly RootRotationInProgress?: boolean;
  /** CIDR pools overlay subnets are carved from; absent means Docker's default. */
  readonly DefaultAddrPool?: readonly string[];
  /** Prefix length of each overlay subnet; 0 or absent means 24. */
  readonly SubnetSize?: number;
  /** VXLAN UDP port; 0 or absent means 4789. */
  readonly DataPathPort?: number;
  readonly RootCA?: ClusterRootCA;
}

/** The cluster as `GET /info` shows it (Docker's `ClusterInfo`, no join tokens). */
export interface EngineClusterInfo extends EngineEnvelope {
  readonly Spec: SwarmSpec;
  readonly TLSInfo: TLSInfo;
  readonly RootRotationInProgress: boolean;
  readonly DefaultAddrPool: readonly string[];
  readonly SubnetSize: number;
  readonly DataPathPort: number;
}

/** The cluster as `GET /swarm` returns it. */
export interface EngineSwarm extends EngineClusterInfo {
  readonly JoinTokens: JoinTokens;
}

/** Docker's default address pool, shown when the cluster was created without one. */
export const DEFAULT_ADDR_POOL: readonly string[] = ['10.0.0.0/8'];
/** Docker's default overlay subnet prefix length. */
export const DEFAULT_SUBNET_SIZE = 24;
/** Docker's default VXLAN port. */
export const DEFAULT_DATA_PATH_PORT = 4789;

/**
 * The `GET /info` form of the cluster. The signing CA certificate and key are stripped
 * from the spec; an unset pool, subnet size and data path port show Docker's defaults, as
 * Swarm fills them in "for CLI display". Pure.
 */
export function toEngineClusterInfo(cluster: Cluster): EngineClusterInfo {
  const { SigningCACert: _cert, SigningCAKey: _key, ...caConfig } = cluster.Spec.CAConfig ?? {};
  const pool = cluster.DefaultAddrPool ?? [];
  return {
    ...toEngineEnvelope(cluster),
    Spec: { ...cluster.Spec, CAConfig: caConfig },
    TLSInfo: cluster.TLSInfo ?? {},
    RootRotationInProgress: cluster.RootRotationInProgress ?? false,
    DefaultAddrPool: pool.length > 0 ? pool : DEFAULT_ADDR_POOL,
    SubnetSize:
      cluster.SubnetSize !== undefined && cluster.SubnetSize > 0
        ? cluster.SubnetSize
        : DEFAULT_SUBNET_SIZE,
    DataPathPort:
      cluster.DataPathPort !== undefined && cluster.DataPathPort > 0
        ? cluster.DataPathPort
        : DEFAULT_DATA_PATH_PORT,
  };
}

/** The `GET /swarm` form of the cluster: {@link toEngineClusterInfo} plus the join tokens. */
export function toEngineSwarm(cluster: Cluster): EngineSwarm {
  return { ...toEngineClusterInfo(cluster), JoinTokens: cluster.JoinTokens };
}
