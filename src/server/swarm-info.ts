/** A node's place in a swarm, as `/info` reports it in `Swarm.LocalNodeState`. */
export type LocalNodeState = 'inactive' | 'pending' | 'active' | 'error' | 'locked';

/** A manager this node knows of (`Swarm.RemoteManagers[]`). */
export interface PeerNode {
  readonly NodeID: string;
  readonly Addr: string;
}

/**
 * The `Swarm` section of `/info` in the Engine's JSON shape (v1.41 `SwarmInfo`). `Nodes`,
 * `Managers` and `Cluster` are present only on a manager that can read the cluster state;
 * `Warnings` are also added to the top-level `Warnings` of `/info`.
 */
export interface SwarmInfo {
  readonly NodeID: string;
  readonly NodeAddr: string;
  readonly LocalNodeState: LocalNodeState;
  /** True on a manager able to serve the cluster API (`docker info`'s "Is Manager"). */
  readonly ControlAvailable: boolean;
  readonly Error: string;
  /** `null` outside a swarm, as the Engine's nil slice encodes. */
  readonly RemoteManagers: readonly PeerNode[] | null;
  readonly Nodes?: number;
  readonly Managers?: number;
  /**
   * The Engine-API `ClusterInfo` JSON (ID, Version, CreatedAt, UpdatedAt, Spec, TLSInfo,
   * RootRotationInProgress, DataPathPort, DefaultAddrPool, SubnetSize), as src/api maps it.
   * The CLI prints its Spec fields under "Swarm:" when `ControlAvailable` is true.
   */
  readonly Cluster?: Readonly<Record<string, unknown>>;
  readonly Warnings?: readonly string[];
}

/** The `Swarm` header of `/_ping`: the node state, with the role when active. */
export type SwarmPingStatus =
  'inactive' | 'pending' | 'error' | 'locked' | 'active/worker' | 'active/manager';

/**
 * Where the system routes learn the node's swarm state. The daemon implements it over its
 * cluster component; {@link inactiveSwarm} stands in until then and in tests.
 */
export interface SwarmInfoProvider {
  /** The `Swarm` section of `/info`, read fresh for each request. May reject (the route answers 500). */
  swarmInfo(): SwarmInfo | Promise<SwarmInfo>;
  /**
   * The `Swarm` header of `/_ping`. Must be cheap and must not read the store: clients ping
   * before every command. A manager that has lost its leader is still `active/manager`.
   */
  pingStatus(): SwarmPingStatus;
}

/** The swarm section of a node that has not joined or initialised a swarm. */
export const inactiveSwarmInfo: SwarmInfo = {
  NodeID: '',
  NodeAddr: '',
  LocalNodeState: 'inactive',
  ControlAvailable: false,
  Error: '',
  RemoteManagers: null,
};

/** A provider for a node outside any swarm: `inactive` everywhere. */
export const inactiveSwarm: SwarmInfoProvider = {
  swarmInfo: () => inactiveSwarmInfo,
  pingStatus: () => 'inactive',
};
