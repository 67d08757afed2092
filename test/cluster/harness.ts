import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceTracker } from '../support/resource-tracker.ts';
import { waitFor } from '../support/wait-for.ts';
import type { WaitForOptions } from '../support/wait-for.ts';
import type { ApiClient } from '../support/api-client.ts';
import { DaemonProcess, freePort } from './daemon-process.ts';

/** The parts of an Engine API `Node` the harness reads. */
export interface NodeJson {
  readonly ID: string;
  readonly Version: { readonly Index: number };
  readonly Spec: { readonly Labels?: Readonly<Record<string, string>> } & Record<string, unknown>;
  readonly Description: { readonly Hostname?: string };
  readonly Status: { readonly State: string };
  readonly ManagerStatus?: { readonly Leader?: boolean; readonly Reachability: string };
}

interface SwarmJson {
  readonly Version: { readonly Index: number };
  readonly Spec: { readonly Dispatcher?: Record<string, unknown> } & Record<string, unknown>;
  readonly JoinTokens: { readonly Worker: string; readonly Manager: string };
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  readonly managers: number;
  readonly workers?: number;
  /** Registers every process and dir; the caller disposes it (in `after()`). */
  readonly tracker: ResourceTracker;
  /** The cluster's dispatcher heartbeat period, set right after init. Default 500 ms. */
  readonly heartbeatPeriodMs?: number;
  /** Bound on each formation step (daemon start, join, readiness). Default 30 s. */
  readonly stepTimeoutMs?: number;
}

/** One member of a {@link TestCluster}: its daemon process and its swarm node ID. */
export interface ClusterNode {
  readonly hostname: string;
  readonly role: 'manager' | 'worker';
  readonly id: string;
  readonly process: DaemonProcess;
}

const MS_IN_NS = 1_000_000;

/**
 * A swarm of real `shoal daemon` processes on loopback, formed by join tokens over the Engine
 * API (after swarmkit's `testCluster`). Writes must go to the leader: followers answer 503.
 * Every wait is bounded and names what it waited for. Processes and dirs belong to the
 * tracker given to {@link startCluster}; {@link stop} only ends the processes early.
 */
export class TestCluster {
  constructor(
    readonly nodes: readonly ClusterNode[],
    private readonly stepTimeoutMs: number,
  ) {}

  /** The managers, in start order (the first one initialised the swarm). */
  managers(): ClusterNode[] {
    return this.nodes.filter((n) => n.role === 'manager');
  }

  /** The Engine API client of `node`. */
  api(node: ClusterNode): ApiClient {
    return node.process.api;
  }

  /**
   * The manager that is leader in its own view (its `GET /nodes` marks itself `Leader`),
   * waiting up to `timeoutMs` for one; a stale follower's opinion is never taken.
   */
  leader(timeoutMs = this.stepTimeoutMs): Promise<ClusterNode> {
    return this.waitFor('a running manager that sees itself as leader', () => this.selfLeader(), {
      timeoutMs,
    });
  }

  private async selfLeader(): Promise<ClusterNode | undefined> {
    const running = this.managers().filter((m) => m.process.running);
    const views = await Promise.all(
      running.map(async (m) => {
        const nodes = await listNodes(m.process.api).catch(() => []);
        return nodes.some((n) => n.ID === m.id && n.ManagerStatus?.Leader === true) ? m : undefined;
      }),
    );
    return views.find((m) => m !== undefined);
  }

  /** SIGKILLs `node`'s daemon and resolves once the process has exited. */
  kill(node: ClusterNode): Promise<void> {
    return node.process.kill();
  }

  /** Starts `node`'s daemon again on its dir and port; resolves once its API answers. */
  async restart(node: ClusterNode): Promise<void> {
    node.process.start();
    await waitForApi(node.process, this.stepTimeoutMs);
  }

  /** SIGTERMs every running daemon and waits for all to exit. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.process.stop()));
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

async function waitForApi(daemon: DaemonProcess, timeoutMs: number): Promise<void> {
  await waitFor(
    `${daemon.hostname}'s API to answer /_ping`,
    async () => {
      if (!daemon.running) throw new Error(`exited: ${daemon.stderr()}`);
      return (await daemon.api.call('GET', '/_ping')).status === 200;
    },
    { timeoutMs, intervalMs: 100 },
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

async function spawnAll(options: ClusterOptions): Promise<DaemonProcess[]> {
  const workers = options.workers ?? 0;
  const names = [
    ...Array.from({ length: options.managers }, (_, i) => `manager-${i + 1}`),
    ...Array.from({ length: workers }, (_, i) => `worker-${i + 1}`),
  ];
  const daemons: DaemonProcess[] = [];
  for (const name of names) {
    const dir = options.tracker.dir(await mkdtemp(join(tmpdir(), `shoal-cluster-${name}-`)));
    daemons.push(new DaemonProcess(name, dir, await freePort(), options.tracker));
  }
  for (const daemon of daemons) daemon.start();
  return daemons;
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
  const daemons = await spawnAll(options);
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
    await daemon.api.ok('POST', '/swarm/join', {
      ListenAddr: daemon.listenAddr,
      AdvertiseAddr: daemon.listenAddr,
      RemoteAddrs: [first.listenAddr],
      JoinToken: role === 'manager' ? swarm.JoinTokens.Manager : swarm.JoinTokens.Worker,
    });
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
  const cluster = new TestCluster(nodes, stepTimeoutMs);
  await waitForFormation(cluster);
  return cluster;
}
