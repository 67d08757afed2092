import type { EngineSwarm } from '../../../src/api/objects/cluster.ts';
import type { EngineNode } from '../../../src/api/objects/node.ts';
import type { EngineTask } from '../../../src/api/objects/task.ts';

/** The daemon's own node in the fixtures (what `/info` reports). */
export const SELF_ID = 'k2b4pxz1q9s7d3f5h8j0m6n1r';

const envelope = (id: string, index: number, created = '2024-05-01T10:00:00Z') => ({
  ID: id,
  Version: { Index: index },
  CreatedAt: created,
  UpdatedAt: '2024-05-30T08:00:00Z',
});

/**
 * Four nodes covering `node ls`'s cases: this node the leader, an unreachable drained
 * manager without an engine version, a paused disconnected worker, and hostnames that sort
 * naturally (node-1, node-2, node-3, node-10).
 */
export const NODES: readonly EngineNode[] = [
  {
    ...envelope('w9e7r5t3y1u2i4o6p8a0s2d4f', 21),
    Spec: { Labels: {}, Role: 'worker', Availability: 'active' },
    Description: { Hostname: 'node-10', Engine: { EngineVersion: '0.1.0' } },
    Status: { State: 'ready', Addr: '192.0.2.10' },
  },
  {
    ...envelope(SELF_ID, 7, '2024-05-01T09:30:15.250000000Z'),
    Spec: {
      Name: 'primary',
      Labels: { zone: 'east', ssd: '' },
      Role: 'manager',
      Availability: 'active',
    },
    Description: {
      Hostname: 'node-2',
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 4_000_000_000, MemoryBytes: 8_339_202_048 },
      Engine: {
        EngineVersion: '0.1.0',
        Labels: { executor: 'process' },
        Plugins: [
          { Type: 'Network', Name: 'overlay' },
          { Type: 'Log', Name: 'json-file' },
          { Type: 'Network', Name: 'bridge' },
        ],
      },
      TLSInfo: {
        TrustRoot:
          '-----BEGIN CERTIFICATE-----\nMIIBazCCARCgAwIBAgIUfake\n-----END CERTIFICATE-----\n',
        CertIssuerSubject: 'MBMxETAPBgNVBAMTCHN3YXJtLWNh',
        CertIssuerPublicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfake',
      },
    },
    Status: { State: 'ready', Addr: '192.0.2.2' },
    ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '192.0.2.2:2377' },
  },
  {
    ...envelope('m3n5b7v9c1x2z4l6k8j0h2g4f', 12),
    Spec: { Role: 'manager', Availability: 'drain' },
    Description: { Hostname: 'node-1', Engine: {} },
    Status: { State: 'down', Message: 'heartbeat failure', Addr: '192.0.2.1' },
    ManagerStatus: { Reachability: 'unreachable', Addr: '192.0.2.1:2377' },
  },
  {
    ...envelope('q1w2e3r4t5y6u7i8o9p0a1s2d', 30),
    Spec: { Labels: {}, Role: 'worker', Availability: 'pause' },
    Description: { Hostname: 'node-3', Engine: { EngineVersion: '20.10.24' } },
    Status: { State: 'disconnected', Addr: '192.0.2.3' },
  },
];

/** The node with ID `id` (throws when the fixtures have none). */
export function fixtureNode(id: string): EngineNode {
  const node = NODES.find(
    (n) => n.ID === id || n.Description.Hostname === id || n.ID.startsWith(id),
  );
  if (node === undefined) throw new Error(`no fixture node ${id}`);
  return node;
}

/** `GET /swarm` of the fixtures' cluster. */
export const SWARM: EngineSwarm = {
  ...envelope('c8l5u2s9t6e3r0i7d4x1y8z5w', 42),
  Spec: {
    Name: 'default',
    Labels: {},
    Orchestration: { TaskHistoryRetentionLimit: 5 },
    Raft: {
      SnapshotInterval: 10000,
      KeepOldSnapshots: 0,
      LogEntriesForSlowFollowers: 500,
      ElectionTick: 10,
      HeartbeatTick: 1,
    },
    Dispatcher: { HeartbeatPeriod: 5_000_000_000 },
    CAConfig: { NodeCertExpiry: 7_776_000_000_000_000 },
    TaskDefaults: {},
    EncryptionConfig: { AutoLockManagers: false },
  },
  TLSInfo: {
    TrustRoot: '-----BEGIN CERTIFICATE-----\nMIIBazCCARCgAwIBAgIUfake\n-----END CERTIFICATE-----\n',
    CertIssuerSubject: 'MBMxETAPBgNVBAMTCHN3YXJtLWNh',
    CertIssuerPublicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfake',
  },
  RootRotationInProgress: false,
  DefaultAddrPool: ['10.0.0.0/8'],
  SubnetSize: 24,
  DataPathPort: 4789,
  JoinTokens: {
    Worker: 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx',
    Manager:
      'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-7p73s1dx5in4tatdymyhg9hu2',
  },
};

/** The `Swarm` part of `/info` on the fixtures' manager. */
export const SWARM_INFO = {
  NodeID: SELF_ID,
  NodeAddr: '192.0.2.2',
  LocalNodeState: 'active',
  ControlAvailable: true,
  Error: '',
  RemoteManagers: [{ NodeID: SELF_ID, Addr: '192.0.2.2:2377' }],
  Cluster: { ID: SWARM.ID, TLSInfo: SWARM.TLSInfo },
} as const;

const task = (
  id: string,
  slot: number,
  state: EngineTask['Status']['State'],
  extra: Partial<EngineTask>,
): EngineTask => ({
  ...envelope(id, 50),
  Labels: {},
  Spec: {
    ContainerSpec: {
      Image: 'nginx:1.25@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
    },
  },
  ServiceID: 'svc9web1a2b3c4d5e6f7g8h9i',
  Slot: slot,
  NodeID: SELF_ID,
  Status: { Timestamp: '2024-06-01T10:00:00Z', State: state },
  DesiredState: 'running',
  ...extra,
});

/**
 * Tasks on this node: slot 2 running, slot 1 running with two failed predecessors (one with
 * a long error and a published port), and an unresolvable service's task.
 */
export const TASKS: readonly EngineTask[] = [
  task('t2aaaaaaaaaaaaaaaaaaaaaaa', 2, 'running', {
    Status: { Timestamp: '2024-06-01T11:59:58Z', State: 'running' },
  }),
  task('t1ccccccccccccccccccccccc', 1, 'failed', {
    CreatedAt: '2024-05-01T08:00:00Z',
    DesiredState: 'shutdown',
    Status: {
      Timestamp: '2024-06-01T11:58:50Z',
      State: 'failed',
      Err: 'task: non-zero exit (137): the container was killed',
      PortStatus: {
        Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }],
      },
    },
  }),
  task('t1aaaaaaaaaaaaaaaaaaaaaaa', 1, 'running', { CreatedAt: '2024-05-03T08:00:00Z' }),
  task('t1bbbbbbbbbbbbbbbbbbbbbbb', 1, 'shutdown', {
    CreatedAt: '2024-05-02T08:00:00Z',
    DesiredState: 'shutdown',
    Status: { Timestamp: '2024-05-29T12:00:00Z', State: 'shutdown' },
  }),
  task('t9ddddddddddddddddddddddd', 0, 'pending', {
    ServiceID: 'gone0service1id2here3abcd',
    Spec: { ContainerSpec: { Image: 'redis' } },
    Status: { Timestamp: '2024-06-01T11:00:00Z', State: 'pending' },
  }),
];

/** `GET /services/{id}` for the fixtures' one service. */
export const WEB_SERVICE = { ID: 'svc9web1a2b3c4d5e6f7g8h9i', Spec: { Name: 'web' } } as const;
