import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExecutorKind } from '../config.ts';
import { demoGuide } from './demo-guide.ts';
import { chooseDemoExecutor } from './demo-executor.ts';
import type { DockerProbe } from './demo-executor.ts';
import {
  DEMO_SERVICE,
  demoServiceSpec,
  removeAllServices,
  waitForReplicas,
} from './demo-service.ts';
import { LocalCluster } from './local-cluster.ts';
import { killStrayTaskProcesses, removeStrayContainers } from './stray-tasks.ts';

/** `shoal demo`'s flags, checked. */
export interface DemoOptions {
  /** Where the nodes keep their data; absent: a new temp dir. Must be empty if it exists. */
  readonly dir?: string;
  /** Leave the dir in place at the end. */
  readonly keep: boolean;
  readonly executor: ExecutorKind;
  /** The service's image (Docker executor; the process executor only shows it). */
  readonly image: string;
  readonly replicas: number;
}

/** Where the demo writes and what ends it. */
export interface DemoDeps {
  readonly out: (text: string) => void;
  /** Aborted on the first Ctrl-C (or SIGTERM): stop cleanly. */
  readonly stop: AbortSignal;
  /** Aborted on a second one: stop now (SIGKILL the daemons). */
  readonly hurry: AbortSignal;
  /** Docker as the demo sees it; default the engine on its usual socket. */
  readonly docker?: DockerProbe;
}

const HOSTNAMES = ['demo-1', 'demo-2', 'demo-3'];
/** Swarm's default dispatcher heartbeat, which the demo keeps. */
const HEARTBEAT_SECONDS = 5;
/** Bound on the service converging (first start of a Docker image may pull it). */
const CONVERGE_TIMEOUT_MS = 120_000;

/**
 * Runs the demo: a three-manager swarm of `shoal daemon` children on loopback, service
 * {@link DEMO_SERVICE} deployed and converged, the guide printed; then waits for `stop` and
 * tears everything down (services removed so no task outlives the demo, daemons SIGTERMed
 * and SIGKILLed after 10 s or at once on `hurry`, stray tasks killed, dir removed unless
 * `keep`). Resolves with the exit code: 0, or 1 when the cluster or service failed (the
 * reason and the tail of each daemon's log printed). Rejects, having started nothing, when
 * `options.dir` exists and is not empty.
 */
export async function runDemo(options: DemoOptions, deps: DemoDeps): Promise<number> {
  const dir = await makeDir(options.dir);
  let cluster: LocalCluster | undefined;
  let code = 0;
  try {
    deps.out(`shoal demo: a three-node swarm on this machine, in ${dir}\n`);
    const executor = await untilAborted(
      chooseDemoExecutor(options.executor, options.image, deps.out, deps.docker),
      deps.stop,
    );
    deps.out(`  tasks will run ${ranBy(executor)}\n`);
    cluster = await untilAborted(
      LocalCluster.start(
        {
          dir,
          hostnames: HOSTNAMES,
          managers: HOSTNAMES.length,
          executor,
          onStep: (text) => deps.out(`  ${text}\n`),
        },
        (c) => (cluster = c),
      ),
      deps.stop,
    );
    await untilAborted(deploy(cluster, options, deps), deps.stop);
    deps.out(`\n${guideFor(cluster, dir, options)}`);
    await aborted(deps.stop);
  } catch (err) {
    if (!deps.stop.aborted) {
      deps.out(`\nshoal demo failed: ${(err as Error).message}\n`);
      for (const node of cluster?.nodes ?? []) {
        deps.out(`\n--- the end of ${node.logPath}:\n${node.logTail(10)}\n`);
      }
      code = 1;
    }
  }
  await teardown(cluster, dir, options.keep, deps);
  return code;
}

async function deploy(cluster: LocalCluster, options: DemoOptions, deps: DemoDeps): Promise<void> {
  const api = cluster.first.api;
  const command = `service create --name ${DEMO_SERVICE} --replicas ${options.replicas} ${options.image} sh -c '...'`;
  deps.out(`  ${command}\n`);
  await api.serviceCreate(demoServiceSpec(options.image, options.replicas));
  const started = performance.now();
  await waitForReplicas(api, DEMO_SERVICE, options.replicas, {
    timeoutMs: CONVERGE_TIMEOUT_MS,
    onProgress: (running) =>
      deps.out(`  ${DEMO_SERVICE}: ${running}/${options.replicas} running\n`),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  deps.out(`  ${DEMO_SERVICE} converged in ${seconds} s\n`);
}

function guideFor(cluster: LocalCluster, dir: string, options: DemoOptions): string {
  const last = cluster.nodes.at(-1);
  return demoGuide({
    dir,
    hosts: cluster.nodes.map((n) => ({ hostname: n.hostname, url: n.hostUrl })),
    victim:
      last?.pid === undefined || cluster.nodes.length < 2
        ? undefined
        : { hostname: last.hostname, pid: last.pid },
    replicas: options.replicas,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    keep: options.keep,
  });
}

async function teardown(
  cluster: LocalCluster | undefined,
  dir: string,
  keep: boolean,
  deps: DemoDeps,
): Promise<void> {
  if (cluster !== undefined) deps.out('\nstopping: removing services, then stopping the daemons\n');
  const onHurry = (): void => {
    deps.out('stopping now (SIGKILL)\n');
    for (const node of cluster?.nodes ?? []) void node.kill();
  };
  deps.hurry.addEventListener('abort', onHurry, { once: true });
  try {
    const live = cluster?.nodes.find((n) => n.running);
    if (live !== undefined && !deps.hurry.aborted) {
      await untilAborted(removeAllServices(live.api, 20_000), deps.hurry).catch(() => false);
    }
    await cluster?.stop();
    const strays =
      (await killStrayTaskProcesses(dir)) +
      (await removeStrayContainers(
        (cluster?.nodes ?? []).flatMap((n) => (n.nodeId === undefined ? [] : [n.nodeId])),
      ));
    if (strays > 0) deps.out(`removed ${strays} task(s) left behind\n`);
  } finally {
    deps.hurry.removeEventListener('abort', onHurry);
  }
  if (keep) {
    deps.out(`stopped; ${dir} is kept\n`);
  } else {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    deps.out(`stopped; removed ${dir}\n`);
  }
}

async function makeDir(wanted: string | undefined): Promise<string> {
  if (wanted === undefined) return mkdtemp(join(tmpdir(), 'shoal-demo-'));
  const dir = resolve(wanted);
  // The dir is removed at the end: never take one that holds something else.
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`--dir ${dir} is not empty; give a new or empty directory`);
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

function ranBy(executor: 'docker' | 'process'): string {
  return executor === 'docker'
    ? 'as Docker containers (docker executor)'
    : 'as processes on this machine (process executor)';
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** `work`, unless `signal` aborts first: then rejects (work is left to finish or fail alone). */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  const stopped = aborted(signal).then(() => {
    throw new Error('stopped');
  });
  return Promise.race([work, stopped]);
}
