import { request } from 'node:http';
import { join } from 'node:path';
import type { Executor } from '../agent/exec/executor.ts';
import { DockerExecutor } from '../agent/exec/docker/docker-executor.ts';
import { ProcessExecutor } from '../agent/exec/process/process-executor.ts';
import type { Clock } from '../base/clock.ts';
import type { Logger } from '../base/logger.ts';
import type { ExecutorKind } from './config.ts';

/** The Docker Engine socket the docker executor drives. */
export const DOCKER_SOCKET = '/var/run/docker.sock';

/** Makes the executor of the node with ID `nodeId`. */
export type ExecutorFactory = (nodeId: string) => Executor;

/** What {@link chooseExecutor} needs. */
export interface ExecutorChoiceDeps {
  readonly dataDir: string;
  readonly hostname: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Whether a Docker engine answers (`auto`); default pings {@link DOCKER_SOCKET}. */
  readonly dockerAnswers?: () => Promise<boolean>;
}

/**
 * The executor `--executor` asks for (DESIGN.md §5): `docker` or `process`, or with `auto`
 * docker when a Docker engine answers on its socket within a second, else process. The
 * process executor keeps its state under `<data dir>/executor/process`, so a restarted
 * daemon finds the processes it started.
 */
export async function chooseExecutor(
  kind: ExecutorKind,
  deps: ExecutorChoiceDeps,
): Promise<{ readonly kind: 'docker' | 'process'; readonly factory: ExecutorFactory }> {
  const resolved =
    kind === 'auto'
      ? (await (deps.dockerAnswers ?? dockerAnswers)())
        ? 'docker'
        : 'process'
      : kind;
  const logger = deps.logger.child({ component: 'executor', executor: resolved });
  if (resolved === 'docker') {
    return {
      kind: resolved,
      factory: (nodeId) =>
        new DockerExecutor({ nodeId, clock: deps.clock, logger, socketPath: DOCKER_SOCKET }),
    };
  }
  return {
    kind: resolved,
    factory: () =>
      new ProcessExecutor({
        stateDir: join(deps.dataDir, 'executor', 'process'),
        clock: deps.clock,
        logger,
        hostname: deps.hostname,
      }),
  };
}

/** Whether `GET /_ping` on the Docker socket answers 200 within a second. */
export function dockerAnswers(socketPath = DOCKER_SOCKET): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
