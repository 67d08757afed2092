import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineNode } from '../../api/objects/node.ts';
import type { EngineApi, SwarmInitRequest } from '../../cli/client/engine-api.ts';
import type { ExecutorKind } from '../config.ts';
import { LocalDaemon } from './local-daemon.ts';

/** What {@link LocalCluster.start} builds. */
export interface LocalClusterOptions {
  /** Where every daemon keeps its data, socket and log. Must exist. */
  readonly dir: string;
  /** Hostnames of the nodes, in start order: the first inits the swarm. */
  readonly hostnames: readonly string[];
  /** How many of them (the first ones) join as managers; the rest join as workers. */
  readonly managers: number;
  readonly executor: ExecutorKind;
  /** `--log-level` of every daemon; default `info`. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Bound on each step (a daemon answering, a join, formation). Default 60 s. */
  readonly stepTimeoutMs?: number;
  /** Told of each step as it begins (for progress output). */
  readonly onStep?: (text: string) => void;
}

/** Time from SIGTERM to SIGKILL when stopping a daemon. */
const STOP_GRACE_MS = 10_000;

/**
 * A swarm of `shoal daemon` child processes on this machine's loopback, formed as a user
 * would: `swarm init` on the first node, then `swarm join` with the manager or worker token
 * on each of the others, one at a time. Every daemon belongs to the cluster from the moment
 * it is spawned, so {@link stop} ends all of them even when {@link start} failed half-way.
 */
export class LocalCluster {
  private readonly members: LocalDaemon[] = [];

  private constructor(private readonly options: LocalClusterOptions) {}

  /**
   * Spawns the daemons (each on a free loopback port), inits and joins, and resolves once the
   * first node lists every node `ready` and every manager `reachable`. On failure the
   * returned promise rejects and `cluster` (handed to `onCreated` at once) still owns
   * whatever was started: call its {@link stop}.
   */
  static async start(
    options: LocalClusterOptions,
    onCreated: (cluster: LocalCluster) => void = () => undefined,
  ): Promise<LocalCluster> {
    const cluster = new LocalCluster(options);
    onCreated(cluster);
    await cluster.form();
    return cluster;
  }

  /** The daemons, in start order. */
  get nodes(): readonly LocalDaemon[] {
    return this.members;
  }

  /** The node that initialised the swarm. */
  get first(): LocalDaemon {
    const first = this.members[0];
    if (first === undefined) throw new Error('the cluster has no nodes');
    return first;
  }

  private get stepTimeoutMs(): number {
    return this.options.stepTimeoutMs ?? 60_000;
  }

  private async form(): Promise<void> {
    const { hostnames, onStep } = this.options;
    onStep?.(`starting ${hostnames.length} daemons (${hostnames.join(', ')})`);
    for (const hostname of hostnames) {
      const daemon = new LocalDaemon({
        hostname,
        dir: this.options.dir,
        port: await freeLoopbackPort(),
        executor: this.options.executor,
        ...(this.options.logLevel === undefined ? {} : { logLevel: this.options.logLevel }),
      });
      this.members.push(daemon);
      await daemon.start();
    }
    await Promise.all(this.members.map((d) => d.waitForApi(this.stepTimeoutMs)));
    const [first, ...rest] = this.members;
    if (first === undefined) throw new Error('a cluster needs at least one node');
    onStep?.(`swarm init on ${first.hostname}`);
    first.nodeId = await first.api.swarmInit(initRequest(first.listenAddr));
    const tokens = (await first.api.swarmInspect()).JoinTokens;
    for (const [i, daemon] of rest.entries()) {
      const manager = i + 1 < this.options.managers;
      onStep?.(`swarm join ${daemon.hostname} as a ${manager ? 'manager' : 'worker'}`);
      await daemon.api.swarmJoin({
        ListenAddr: daemon.listenAddr,
        AdvertiseAddr: daemon.listenAddr,
        DataPathAddr: '',
        RemoteAddrs: [first.listenAddr],
        JoinToken: manager ? tokens.Manager : tokens.Worker,
        Availability: '',
      });
      daemon.nodeId = (await daemon.api.info()).Swarm?.NodeID;
      // One membership change at a time, as Raft wants: the next join waits for this one.
      if (manager) await this.waitForNodes(first.api, i + 2, i + 2);
    }
    await this.waitForNodes(first.api, this.members.length, this.options.managers);
  }

  /** Waits until `api` lists `ready` nodes and `reachable` managers, at least as many as asked. */
  private async waitForNodes(api: EngineApi, ready: number, reachable: number): Promise<void> {
    await waitUntil(
      `${ready} nodes ready, ${reachable} managers reachable`,
      this.stepTimeoutMs,
      async () => {
        const nodes: EngineNode[] = await api.nodeList();
        const up = nodes.filter((n) => n.Status.State === 'ready').length;
        const managers = nodes.filter((n) => n.ManagerStatus?.Reachability === 'reachable').length;
        return up >= ready && managers >= reachable;
      },
    );
  }

  /** SIGKILLs `daemon` (its tasks, with the process executor, keep running). */
  kill(daemon: LocalDaemon): Promise<void> {
    return daemon.kill();
  }

  /**
   * Stops every daemon at once: SIGTERM, then SIGKILL after `graceMs`. Resolves once all have
   * exited. Tasks are not touched: remove services first for a clean machine.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    await Promise.all(this.members.map((d) => d.stop(graceMs)));
  }
}

function initRequest(listenAddr: string): SwarmInitRequest {
  return {
    ListenAddr: listenAddr,
    AdvertiseAddr: listenAddr,
    DataPathAddr: '',
    DataPathPort: 0,
    ForceNewCluster: false,
    Spec: {},
    AutoLockManagers: false,
    Availability: '',
    DefaultAddrPool: [],
    SubnetSize: 0,
  };
}

/**
 * Polls `check` every 200 ms until it returns true; errors count as "not yet". Rejects after
 * `timeoutMs`, naming what it waited for and the last error seen.
 */
export async function waitUntil(
  description: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError: Error | undefined;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err : new Error(JSON.stringify(err));
    }
    if (performance.now() > deadline) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError.message})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${why}`);
    }
    await sleep(200);
  }
}

/**
 * A free TCP port on 127.0.0.1, found by binding port 0 and closing. Another process may
 * take it before the daemon binds it; the window is short.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
