import { registerServiceRoutes } from '../server/routes/services.ts';
import { registerTaskRoutes } from '../server/routes/tasks.ts';
import { DaemonServices } from './swarm/daemon-services.ts';
import { chooseExecutor } from './executor-choice.ts';
import type { ExecutorFactory } from './executor-choice.ts';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import type { Clock } from '../base/clock.ts';
import type { Logger } from '../base/logger.ts';
import { ApiServer } from '../server/api-server.ts';
import type { ApiServerAddresses, ApiTcpOptions } from '../server/api-server.ts';
import { Router } from '../server/router.ts';
import { registerNodeRoutes } from '../server/routes/nodes.ts';
import { registerSwarmRoutes } from '../server/routes/swarm.ts';
import { registerSystemRoutes } from '../server/routes/system.ts';
import type { ServerIdentity } from '../server/server-identity.ts';
import { systemRandomBytes } from '../manager/ca/random-bytes.ts';
import type { DaemonConfig } from './config.ts';
import { lockDataDir } from './data-dir.ts';
import type { DataDirLayout, DataDirLock } from './data-dir.ts';
import { loadNodeState, saveNodeState } from './node-state.ts';
import type { NodeState } from './node-state.ts';
import { DaemonSwarm } from './swarm/daemon-swarm.ts';

/** What a daemon takes from its surroundings. */
export interface DaemonDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly identity: ServerIdentity;
  /** Raft timing of this node's manager (tests shorten it); defaults to the RaftNode's. */
  readonly swarmTiming?: {
    readonly tickMs?: number;
    readonly leaderTimeoutMs?: number;
    /** How often each node asks the leader about its certificate (default 5 s). */
    readonly certificateCheckMs?: number;
  };
}

async function tcpOptions(config: DaemonConfig): Promise<ApiTcpOptions | undefined> {
  const tcp = config.apiTcp;
  if (tcp === undefined) return undefined;
  if (tcp.tls === undefined) return { host: tcp.host, port: tcp.port };
  const [cert, key, ca] = await Promise.all([
    readFile(tcp.tls.certPath),
    readFile(tcp.tls.keyPath),
    tcp.tls.caPath === undefined ? undefined : readFile(tcp.tls.caPath),
  ]);
  return {
    host: tcp.host,
    port: tcp.port,
    tls: { cert, key, verifyClients: tcp.tls.verifyClients, ...(ca === undefined ? {} : { ca }) },
  };
}

/**
 * One shoal node: it holds the data dir, keeps the node's identity in `state.json` and serves
 * the Engine API on the unix socket (and TCP when asked), swarm and node routes included. A
 * daemon whose `state.json` records a swarm membership restarts into it (see
 * `swarm/daemon-swarm.ts`); otherwise it starts outside any swarm until `swarm init`.
 *
 * `start()` may be called once; it rejects (having cleaned up) when the recorded swarm state
 * cannot be resumed. `stop()` is idempotent, stops the API and then the swarm components
 * (their state stays on disk), releases the data dir, and is safe after a failed start.
 */
export class Daemon {
  private lock: DataDirLock | undefined;
  private server: ApiServer | undefined;
  private nodeState: NodeState | undefined;
  private swarmLifecycle: DaemonSwarm | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly config: DaemonConfig,
    private readonly deps: DaemonDeps,
  ) {}

  async start(): Promise<void> {
    const log = this.deps.logger;
    this.lock = await lockDataDir(this.config.dataDir);
    try {
      this.nodeState = await loadNodeState(this.lock.layout.stateFile);
      const executor = await chooseExecutor(this.config.executor, {
        dataDir: this.config.dataDir,
        hostname: this.config.hostname,
        clock: this.deps.clock,
        logger: log,
      });
      const swarm = this.newSwarm(this.lock.layout, executor.factory);
      this.swarmLifecycle = swarm;
      await swarm.resume();
      const router = new Router();
      registerSystemRoutes(router, {
        identity: this.deps.identity,
        swarm,
        clock: this.deps.clock,
        engine: () => ({ ID: this.state().engineId, DockerRootDir: this.config.dataDir }),
      });
      registerSwarmRoutes(router, swarm);
      registerNodeRoutes(router, swarm);
      const services = new DaemonServices({
        manager: () => swarm.requireManager(),
        randomBytes: systemRandomBytes,
        subscribeLogs: (selector, signal) => swarm.subscribeLogs(selector, signal),
      });
      registerServiceRoutes(router, services);
      registerTaskRoutes(router, services);
      const tcp = await tcpOptions(this.config);
      this.server = new ApiServer(
        {
          router,
          identity: this.deps.identity,
          socketPath: this.config.apiSocket,
          ...(tcp === undefined ? {} : { tcp }),
        },
        { logger: log.child({ component: 'api' }), clock: this.deps.clock },
      );
      await this.server.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
    log.info('daemon started', {
      hostname: this.config.hostname,
      dataDir: this.config.dataDir,
      apiSocket: this.config.apiSocket,
      engineId: this.state().engineId,
    });
  }

  /** The node's swarm lifecycle and manager API; throws before `start()`. */
  swarm(): DaemonSwarm {
    if (this.swarmLifecycle === undefined) {
      throw new Error('Daemon.swarm: the daemon has not started');
    }
    return this.swarmLifecycle;
  }

  private newSwarm(layout: DataDirLayout, executorFor: ExecutorFactory): DaemonSwarm {
    const timing = this.deps.swarmTiming;
    return new DaemonSwarm(
      {
        config: this.config,
        layout,
        clock: this.deps.clock,
        logger: this.deps.logger.child({ component: 'swarm' }),
        random: Math.random,
        randomBytes: systemRandomBytes,
        interfaces: networkInterfaces,
        leaderTimeoutMs: timing?.leaderTimeoutMs ?? 10_000,
        engineVersion: this.deps.identity.version,
        executorFor,
        ...(timing?.tickMs === undefined ? {} : { tickMs: timing.tickMs }),
        ...(timing?.certificateCheckMs === undefined
          ? {}
          : { certificateCheckMs: timing.certificateCheckMs }),
      },
      {
        current: () => this.state(),
        save: async (state) => {
          await saveNodeState(layout.stateFile, state);
          this.nodeState = state;
        },
      },
    );
  }

  /** The node's persisted state; throws before `start()` has loaded it. */
  state(): NodeState {
    if (this.nodeState === undefined) throw new Error('Daemon.state: the daemon has not started');
    return this.nodeState;
  }

  /** Where the API listens (resolved TCP port included). */
  addresses(): ApiServerAddresses {
    return this.server?.addresses() ?? {};
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.server?.stop();
      await this.swarmLifecycle?.stop();
      await this.lock?.release();
      this.deps.logger.info('daemon stopped');
    })();
    return this.stopping;
  }
}
