import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../../src/agent/exec/process/proc-stat.ts';
import { SystemClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { daemonConfigFrom } from '../../../src/daemon/config.ts';
import { Daemon } from '../../../src/daemon/daemon.ts';
import { DOCKER_SOCKET } from '../../../src/daemon/executor-choice.ts';
import { ApiClient } from '../../support/api-client.ts';
import { removeNodeContainers } from '../../support/docker-engine.ts';
import { EngineContainers } from './engine-containers.ts';

/** Which executor an {@link E2eDaemon} runs its tasks with. */
export type E2eExecutor = 'docker' | 'process';

/**
 * One in-process shoal daemon on its own temp dir, with `--executor docker|process` and fast
 * Raft ticks, for end-to-end tests that drive it with the real docker CLI. {@link dispose}
 * leaves nothing behind even when a test failed half-way: it stops the daemon, force-removes
 * the engine containers labelled with its node ID (docker executor), kills the process groups
 * recorded under its process executor's state dir, and removes the dir.
 */
export class E2eDaemon {
  private daemon: Daemon | undefined;
  private readonly nodeIds = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly executor: E2eExecutor,
  ) {}

  /**
   * Starts a daemon. Its docker executor drives the engine at `DOCKER_SOCKET`
   * (`/var/run/docker.sock`, as `shoal daemon` does), which is where {@link dispose} removes
   * the containers.
   */
  static async start(executor: E2eExecutor): Promise<E2eDaemon> {
    const dir = await mkdtemp(join(tmpdir(), `shoal-e2e-${executor}-`));
    const daemon = new E2eDaemon(dir, executor);
    try {
      await daemon.boot();
    } catch (err) {
      await daemon.dispose().catch(() => undefined);
      throw err;
    }
    return daemon;
  }

  /** The Engine API socket the docker CLI talks to. */
  get socket(): string {
    return join(this.dir, 'shoal.sock');
  }

  /** An Engine API client of this daemon (generous timeout: writes wait for Raft). */
  get api(): ApiClient {
    return new ApiClient(this.socket, 30_000);
  }

  /**
   * Records the node ID the daemon got at `swarm init` (containers carry it as
   * `com.docker.swarm.node.id`), so {@link dispose} removes that node's containers.
   */
  async rememberNodeId(): Promise<string> {
    const info = (await this.api.ok('GET', '/info')) as { Swarm?: { NodeID?: string } };
    const id = info.Swarm?.NodeID ?? '';
    if (id === '') throw new Error('the daemon is not in a swarm yet: no node ID');
    this.nodeIds.add(id);
    return id;
  }

  private async boot(): Promise<void> {
    const config = daemonConfigFrom({
      dataDir: join(this.dir, 'data'),
      apiSocket: this.socket,
      listenAddr: '127.0.0.1:0',
      hostname: `e2e-${this.executor}`,
      executor: this.executor,
    });
    this.daemon = new Daemon(config, {
      clock: new SystemClock(),
      logger: silentLogger,
      identity: { version: '0.1.0-test' },
      swarmTiming: { tickMs: 10 },
    });
    await this.daemon.start();
  }

  /** Stops the daemon and removes every container, process and file it left. Idempotent. */
  async dispose(): Promise<void> {
    const errors: unknown[] = [];
    await this.daemon?.stop().catch((err: unknown) => errors.push(err));
    this.daemon = undefined;
    if (this.executor === 'docker') {
      for (const id of this.nodeIds) {
        await removeNodeContainers(DOCKER_SOCKET, id).catch((err: unknown) => errors.push(err));
        // A container that survived is a leak the test run must report.
        const left = await new EngineContainers(DOCKER_SOCKET)
          .list([`com.docker.swarm.node.id=${id}`])
          .catch((err: unknown) => [err]);
        if (left.length > 0) errors.push(new Error(`containers left: ${JSON.stringify(left)}`));
      }
    }
    await killRecordedProcesses(join(this.dir, 'data', 'executor', 'process', 'tasks'));
    await rm(this.dir, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, 'E2eDaemon.dispose');
  }
}

/** SIGKILLs the process group of every `tasks/<id>/run.json` process still alive. */
async function killRecordedProcesses(tasksDir: string): Promise<void> {
  const ids = await readdir(tasksDir).catch(() => [] as string[]);
  for (const id of ids) {
    const run = await readFile(join(tasksDir, id, 'run.json'), 'utf8').catch(() => undefined);
    if (run === undefined) continue;
    const { pid, startTicks } = JSON.parse(run) as { pid?: number; startTicks?: string };
    if (typeof pid !== 'number' || pid <= 1 || typeof startTicks !== 'string') continue;
    // Only the recorded process: a recycled pid belongs to someone else.
    if (!isAlive({ pid, startTicks })) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
