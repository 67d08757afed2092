import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceTracker } from '../support/resource-tracker.ts';
import { waitFor } from '../support/wait-for.ts';
import type { WaitForOptions } from '../support/wait-for.ts';
import type { ApiClient } from '../support/api-client.ts';
import { DaemonProcess, freePort } from './daemon-process.ts';
import { IsolatedNetwork } from './isolated-network.ts';
import { reapTaskProcesses } from './task-process-reaper.ts';

/** The parts of an Engine API `Node` the harness reads. */
export interface NodeJson {
  readonly ID: string;
  readonly Version: { readonly Index: number };
  readonly Spec: { readonly Labels?: Readonly<Record<string, string>> } & Record<string, unknown>;
  readonly Description: { readonly Hostname?: string };
  readonly Status: { readonly State: string };
  readonly ManagerStatus?: { readonly Leader?: boolean; readonly Reachability: string };
}

/** The parts of an Engine API `Swarm` the harness reads. */
export interface SwarmJson {
  readonly ID: string;
  readonly Version: { readonly Index: number };
  readonly Spec: { readonly Dispatcher?: Record<string, unknown> } & Record<string, unknown>;
  readonly JoinTokens: { readonly Worker: string; readonly Manager: string };
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  readonly managers: number;
  readonly workers?: number;
  /** Registers every process, dir and namespace; the caller disposes it (in `after()`). */
  readonly tracker: ResourceTracker;
  /** The cluster's dispatcher heartbeat period, set right after init. Default 500 ms. */
  readonly heartbeatPeriodMs?: number;
  /** Bound on each formation step (daemon start, join, readiness). Default 30 s. */
  readonly stepTimeoutMs?: number;
  /**
   * Every daemon's `--raft-tick-ms` (elections take 10–20 ticks, heartbeats every tick).
   * Default 100 ms, the daemon's own: shorter ticks elect faster but make a heavily loaded
   * machine, whose event loops stall, churn through needless elections.
   */
  readonly raftTickMs?: number;
  /**
   * Each daemon in its own network namespace on a private bridge (root only; see
   * {@link IsolatedNetwork}), so {@link TestCluster.partition} can cut links. Default: loopback.
   */
  readonly isolated?: boolean;
  /** Every daemon's `--log-level` (their stderr is kept for failure messages). Default `warn`. */
  readonly logLevel?: string;
}

/** One member of a {@link TestCluster}: its daemon process and its swarm node ID. */
export interface ClusterNode {
  readonly hostname: string;
  /** The role it joined with (promotion and demotion do not change it). */
  readonly role: 'manager' | 'worker';
  readonly id: string;
  readonly process: DaemonProcess;
}

const MS_IN_NS = 1_000_000;

/** Where and how the daemons of one cluster are started. */
class DaemonFactory {
  private readonly names = new Map<string, number>();

  constructor(
    private readonly tracker: ResourceTracker,
    private readonly raftTickMs: number,
    private readonly network: IsolatedNetwork | undefined,
    private readonly logLevel?: string,
  ) {}

  get isolated(): IsolatedNetwork | undefined {
    return this.network;
  }

  /** A new daemon named `<kind>-<n>` (not started). */
  async create(kind: 'manager' | 'worker'): Promise<DaemonProcess> {
    const n = (this.names.get(kind) ?? 0) + 1;
    this.names.set(kind, n);
    const name = `${kind}-${n}`;
    const dir = this.tracker.dir(await mkdtemp(join(tmpdir(), `shoal-cluster-${name}-`)));
    // Task processes outlive their daemon: disposed after the daemon, before its dir.
    this.tracker.add(`task processes of ${name}`, () => reapTaskProcesses(dir));
    if (this.network === undefined) {
      const listen = { host: '127.0.0.1', port: await freePort() };
      const options = { listen, raftTickMs: this.raftTickMs, ...this.logOption() };
      return new DaemonProcess(name, dir, options, this.tracker);
    }
    const host = await this.network.addHost(name);
    return new DaemonProcess(
      name,
      dir,
      {
        listen: { host: host.ip, port: 2377 },
        netns: host.netns,
        raftTickMs: this.raftTickMs,
        ...this.logOption(),
      },
      this.tracker,
    );
  }

  private logOption(): { logLevel?: string } {
    return this.logLevel === undefined ? {} : { logLevel: this.logLevel };
  }
}

/**
 * A swarm of real `shoal daemon` processes, on loopback or each in its own network namespace,
 * formed by join tokens over the Engine API (after swarmkit's `testCluster`). Every wait is
 * bounded and names what it waited for. Processes, dirs and namespaces belong to the tracker
 * given to {@link startCluster}; {@link stop} only ends the processes early.
 */
export class TestCluster {
  private readonly members: ClusterNode[];

  constructor(
    nodes: readonly ClusterNode[],
    private readonly stepTimeoutMs: number,
    private readonly factory: DaemonFactory,
  ) {
    this.members = [...nodes];
  }

  /** Every node, in join order. */
  get nodes(): readonly ClusterNode[] {
    return this.members;
  }

  /** The nodes that joined as managers, in start order (the first one initialised the swarm). */
  managers(): ClusterNode[] {
    return this.members.filter((n) => n.role === 'manager');
  }

  /** The Engine API client of `node`. */
  api(node: ClusterNode): ApiClient {
    return node.process.api;
  }

  /**
   * The manager that is leader in its own view (its `GET /nodes` marks itself `Leader`),
   * waiting up to `timeoutMs` for one; a stale follower's opinion is never taken. Any running
   * node counts, so a promoted worker can be found too.
   */
  leader(timeoutMs = this.stepTimeoutMs): Promise<ClusterNode> {
    return this.waitFor('a running manager that sees itself as leader', () => this.selfLeader(), {
      timeoutMs,
    });
  }

  private async selfLeader(): Promise<ClusterNode | undefined> {
    const running = this.members.filter((m) => m.process.running);
    const views = await Promise.all(
      running.map(async (m) => {
        const nodes = await listNodes(m.process.api).catch(() => []);
        return nodes.some((n) => n.ID === m.id && n.ManagerStatus?.Leader === true) ? m : undefined;
      }),
    );
    return views.find((m) => m !== undefined);
  }

  /** `GET /swarm` on `node` (a manager). */
  async swarm(node: ClusterNode): Promise<SwarmJson> {
    return (await node.process.api.ok('GET', '/swarm')) as SwarmJson;
  }

  /** SIGKILLs `node`'s daemon and resolves once the process has exited. */
  kill(node: ClusterNode): Promise<void> {
    return node.process.kill();
  }

  /** Starts `node`'s daemon again on its dir and address; resolves once its API answers. */
  async restart(node: ClusterNode): Promise<void> {
    node.process.start();
    await waitForApi(node.process, this.stepTimeoutMs);
  }

  /** SIGTERMs every running daemon and waits for all to exit. */
  async stop(): Promise<void> {
    await Promise.all(this.members.map((n) => n.process.stop()));
  }

  /**
   * Starts a new daemon and joins it as a manager through the leader (manager token); resolves
   * once the leader lists it as a reachable manager.
   */
  async addManager(): Promise<ClusterNode> {
    const node = await this.join('manager');
    await this.waitFor(`${node.hostname} to be a reachable manager`, async () => {
      const leader = await this.leader();
      const seen = (await listNodes(leader.process.api)).find((n) => n.ID === node.id);
      return seen?.ManagerStatus?.Reachability === 'reachable';
    });
    return node;
  }

  /** Starts a new daemon and joins it as a worker; resolves once the leader lists it ready. */
  async addWorker(): Promise<ClusterNode> {
    const node = await this.join('worker');
    await this.waitFor(`${node.hostname} to be ready`, async () => {
      const leader = await this.leader();
      const seen = (await listNodes(leader.process.api)).find((n) => n.ID === node.id);
      return seen?.Status.State === 'ready';
    });
    return node;
  }

  /** A new daemon, started and answering its API but outside any swarm (for join tests). */
  async startDaemon(): Promise<DaemonProcess> {
    const daemon = await this.factory.create('worker');
    daemon.start();
    await waitForApi(daemon, this.stepTimeoutMs);
    return daemon;
  }

  private async join(role: 'manager' | 'worker'): Promise<ClusterNode> {
    const leader = await this.leader();
    const tokens = (await this.swarm(leader)).JoinTokens;
    const daemon = await this.factory.create(role);
    daemon.start();
    await waitForApi(daemon, this.stepTimeoutMs);
    await joinSwarm(daemon, leader.process, role === 'manager' ? tokens.Manager : tokens.Worker);
    const node = {
      hostname: daemon.hostname,
      role,
      id: await nodeIdOf(daemon.api),
      process: daemon,
    };
    this.members.push(node);
    return node;
  }

  /**
   * Drops all traffic between `a` and `b` (both ways) until {@link heal}. Only for a cluster
   * started with `isolated` (network namespaces); throws otherwise.
   */
  partition(a: ClusterNode, b: ClusterNode): Promise<void> {
    return this.network().partition(a.hostname, b.hostname);
  }

  /** Removes every cut {@link partition} made. */
  heal(): Promise<void> {
    return this.network().heal();
  }

  private network(): IsolatedNetwork {
    const network = this.factory.isolated;
    if (network === undefined) {
      throw new Error('partitions need a cluster started with { isolated: true } (root only)');
    }
    return network;
  }

  /** The shared bounded {@link waitFor}, with the cluster's step timeout as default. */
  waitFor<T>(
    description: string,
    check: () => T | undefined | false | Promise<T | undefined | false>,
    options: WaitForOptions = {},
  ): Promise<T> {
    return waitFor(description, check, { timeoutMs: this.stepTimeoutMs, ...options });
  }
}

/** `GET /nodes` on `api`; rejects on a non-2xx reply or a non-array body. */
export async function listNodes(api: ApiClient): Promise<NodeJson[]> {
  const body = await api.ok('GET', '/nodes');
  if (!Array.isArray(body)) throw new Error(`GET /nodes returned ${JSON.stringify(body)}`);
  return body as NodeJson[];
}

/**
 * One attempt at a small write through `api`: reads node `nodeId` there and updates its spec
 * with label `key=value` at the version read. Resolves true on success, false on any refusal
 * (a follower's 503, a stale version, a dead socket), so callers can loop over managers.
 */
export async function tryLabelWrite(
  api: ApiClient,
  nodeId: string,
  key: string,
  value: string,
): Promise<boolean> {
  try {
    const node = (await api.ok('GET', `/nodes/${nodeId}`)) as NodeJson;
    const spec = { ...node.Spec, Labels: { ...node.Spec.Labels, [key]: value } };
    const reply = await api.call(
      'POST',
      `/nodes/${nodeId}/update?version=${node.Version.Index}`,
      spec,
    );
    return reply.status === 200;
  } catch {
    return false;
  }
}

/** A daemon's start (tsx compiling the sources) can take long on a loaded machine. */
const API_START_TIMEOUT_MS = 60_000;

async function waitForApi(daemon: DaemonProcess, timeoutMs: number): Promise<void> {
  await waitFor(
    `${daemon.hostname}'s API to answer /_ping`,
    async () => {
      if (!daemon.running) throw new Error(`exited: ${daemon.stderr()}`);
      return (await daemon.api.call('GET', '/_ping')).status === 200;
    },
    { timeoutMs: Math.max(timeoutMs, API_START_TIMEOUT_MS), intervalMs: 100 },
  );
}

async function nodeIdOf(api: ApiClient): Promise<string> {
  const info = (await api.ok('GET', '/info')) as { Swarm: { NodeID: string } };
  return info.Swarm.NodeID;
}

async function setHeartbeat(api: ApiClient, periodMs: number): Promise<SwarmJson> {
  const swarm = (await api.ok('GET', '/swarm')) as SwarmJson;
  const spec = {
    ...swarm.Spec,
    Dispatcher: { ...swarm.Spec.Dispatcher, HeartbeatPeriod: periodMs * MS_IN_NS },
  };
  await api.ok('POST', `/swarm/update?version=${swarm.Version.Index}`, spec);
  return swarm;
}

async function joinSwarm(daemon: DaemonProcess, via: DaemonProcess, token: string): Promise<void> {
  await daemon.api.ok('POST', '/swarm/join', {
    ListenAddr: daemon.listenAddr,
    AdvertiseAddr: daemon.listenAddr,
    RemoteAddrs: [via.listenAddr],
    JoinToken: token,
  });
}

async function newFactory(options: ClusterOptions): Promise<DaemonFactory> {
  let network: IsolatedNetwork | undefined;
  if (options.isolated === true) {
    network = await IsolatedNetwork.create();
    const created = network;
    // Registered before any daemon, so disposal (newest first) kills the daemons first.
    options.tracker.add('isolated network', () => created.dispose());
  }
  return new DaemonFactory(options.tracker, options.raftTickMs ?? 100, network, options.logLevel);
}

/** Waits until the leader lists every node ready and every manager reachable. */
async function waitForFormation(cluster: TestCluster): Promise<void> {
  const leader = await cluster.leader();
  const want = cluster.nodes.length;
  await cluster.waitFor(`all ${want} nodes ready and all managers reachable`, async () => {
    const nodes = await listNodes(leader.process.api);
    const ready = nodes.filter((n) => n.Status.State === 'ready');
    const managers = cluster.managers();
    const reachable = nodes.filter(
      (n) => managers.some((m) => m.id === n.ID) && n.ManagerStatus?.Reachability === 'reachable',
    );
    return ready.length === want && reachable.length === managers.length;
  });
}

/**
 * Starts `managers + workers` daemon processes, inits the swarm on the first manager (and
 * shortens its heartbeat period), joins the other managers one at a time with the manager
 * token and then the workers with the worker token, all to the first manager's address, and
 * resolves once every node is ready and every manager a reachable voter. Rejects, naming the
 * step, if any step exceeds its bound; what was started stays in the tracker for disposal.
 */
export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  if (options.managers < 1) throw new Error('startCluster: at least one manager');
  const stepTimeoutMs = options.stepTimeoutMs ?? 30_000;
  const factory = await newFactory(options);
  const daemons: DaemonProcess[] = [];
  for (let i = 0; i < options.managers; i++) daemons.push(await factory.create('manager'));
  for (let i = 0; i < (options.workers ?? 0); i++) daemons.push(await factory.create('worker'));
  for (const daemon of daemons) daemon.start();
  await Promise.all(daemons.map((d) => waitForApi(d, stepTimeoutMs)));
  const [first, ...rest] = daemons;
  if (first === undefined) throw new Error('startCluster: no daemons');
  await first.api.ok('POST', '/swarm/init', {
    ListenAddr: first.listenAddr,
    AdvertiseAddr: first.listenAddr,
  });
  const swarm = await setHeartbeat(first.api, options.heartbeatPeriodMs ?? 500);
  const nodes: ClusterNode[] = [
    { hostname: first.hostname, role: 'manager', id: await nodeIdOf(first.api), process: first },
  ];
  for (const [i, daemon] of rest.entries()) {
    const role = i + 1 < options.managers ? 'manager' : 'worker';
    const token = role === 'manager' ? swarm.JoinTokens.Manager : swarm.JoinTokens.Worker;
    await joinSwarm(daemon, first, token);
    const id = await nodeIdOf(daemon.api);
    nodes.push({ hostname: daemon.hostname, role, id, process: daemon });
    if (role === 'manager') {
      // One membership change at a time: the next join waits for this voter to be reachable.
      await waitFor(
        `${daemon.hostname} to be a reachable manager on ${first.hostname}`,
        async () => {
          const node = (await listNodes(first.api)).find((n) => n.ID === id);
          return node?.ManagerStatus?.Reachability === 'reachable';
        },
        { timeoutMs: stepTimeoutMs },
      );
    }
  }
  const cluster = new TestCluster(nodes, stepTimeoutMs, factory);
  await waitForFormation(cluster);
  return cluster;
}
