import { readFile } from 'node:fs/promises';
import type { Clock } from '../base/clock.ts';
import { ShoalError } from '../base/errors.ts';
import type { Logger } from '../base/logger.ts';
import { ApiServer } from '../server/api-server.ts';
import type { ApiServerAddresses, ApiTcpOptions } from '../server/api-server.ts';
import { Router } from '../server/router.ts';
import { registerSystemRoutes } from '../server/routes/system.ts';
import type { ServerIdentity } from '../server/server-identity.ts';
import { inactiveSwarm } from '../server/swarm-info.ts';
import type { DaemonConfig } from './config.ts';
import { lockDataDir } from './data-dir.ts';
import type { DataDirLock } from './data-dir.ts';
import { loadNodeState } from './node-state.ts';
import type { NodeState } from './node-state.ts';

/** What a daemon takes from its surroundings. */
export interface DaemonDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly identity: ServerIdentity;
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
 * the Engine API on the unix socket (and TCP when asked). A daemon starts outside any swarm;
 * the cluster components (manager, agent) attach here as they are built.
 *
 * `start()` may be called once; `stop()` is idempotent, releases the API socket and the data
 * dir, and is safe to call after a failed start.
 */
export class Daemon {
  private lock: DataDirLock | undefined;
  private server: ApiServer | undefined;
  private nodeState: NodeState | undefined;
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
      if (this.nodeState.swarm !== null) {
        throw new ShoalError(
          'DAEMON_SWARM_UNSUPPORTED',
          `${this.lock.layout.stateFile} says this node is in swarm ${this.nodeState.swarm.clusterId}, but this shoal build cannot run swarm members yet; use the shoal version that wrote it`,
          { status: 500 },
        );
      }
      const router = new Router();
      registerSystemRoutes(router, {
        identity: this.deps.identity,
        swarm: inactiveSwarm,
        clock: this.deps.clock,
        engine: () => ({ ID: this.state().engineId, DockerRootDir: this.config.dataDir }),
      });
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
      await this.lock?.release();
      this.deps.logger.info('daemon stopped');
    })();
    return this.stopping;
  }
}
