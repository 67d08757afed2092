// npm run bench:converge [-- --replicas 200 --heartbeat 1s --restart-delay 5s --runs 1]
//
// Convergence of a 3-node swarm of real `shoal daemon` processes (1 manager, 2 workers, process
// executor, loopback; formed by src/daemon/demo/local-cluster.ts as `shoal demo` forms its
// own). The heartbeat period is set as a user sets it: `shoal swarm update
// --dispatcher-heartbeat`. Each run: create a replicated service of `sleep` tasks and time it
// to N/N running; then SIGKILL the worker with the most tasks and time it until N/N run again
// on the survivors. See bench/README.md for recorded figures.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import type { EngineTask } from '../src/api/objects/task.ts';
import type { EngineApi } from '../src/cli/client/engine-api.ts';
import { removeAllServices } from '../src/daemon/demo/demo-service.ts';
import { LocalCluster } from '../src/daemon/demo/local-cluster.ts';
import { killStrayTaskProcesses } from '../src/daemon/demo/stray-tasks.ts';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '200' },
    heartbeat: { type: 'string', default: '1s' },
    'restart-delay': { type: 'string' },
    runs: { type: 'string', default: '1' },
    'poll-ms': { type: 'string', default: '100' },
    'give-up-s': { type: 'string', default: '600' },
  },
});
const replicas = Number(values.replicas);
const pollMs = Number(values['poll-ms']);
const giveUpMs = Number(values['give-up-s']) * 1000;
const restartDelayNs = durationNs(values['restart-delay']);
const shoalBin = new URL('../bin/shoal.js', import.meta.url).pathname;
const run = promisify(execFile);

/** `5s` or `500ms` in nanoseconds; undefined stays undefined (Swarm's default, 5 s). */
function durationNs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (match === null) throw new Error(`--restart-delay ${text}: give e.g. 5s or 500ms`);
  return Number(match[1]) * (match[2] === 'ms' ? 1e6 : 1e9);
}

/** Running tasks of `service` that should run, by node ID. */
async function runningByNode(api: EngineApi, service: string): Promise<Map<string, number>> {
  const tasks: EngineTask[] = await api.taskList(
    new Map([
      ['service', [service]],
      ['desired-state', ['running']],
    ]),
  );
  const counts = new Map<string, number>();
  for (const task of tasks) {
    if (task.Status.State !== 'running' || task.NodeID === undefined) continue;
    counts.set(task.NodeID, (counts.get(task.NodeID) ?? 0) + 1);
  }
  return counts;
}

/** Polls until `done` holds; resolves with the milliseconds since `since`. */
async function until(what: string, since: number, done: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await done().catch(() => false)) return performance.now() - since;
    if (performance.now() - since > giveUpMs) throw new Error(`gave up waiting for ${what}`);
    await sleep(pollMs);
  }
}

function perNode(cluster: LocalCluster, counts: ReadonlyMap<string, number>): string {
  return cluster.nodes.map((n) => `${n.hostname}=${counts.get(n.nodeId ?? '') ?? 0}`).join(' ');
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

async function convergeOnce(cluster: LocalCluster, index: number): Promise<void> {
  const api = cluster.first.api;
  const service = `bench-${index}`;
  const createdAt = performance.now();
  await api.serviceCreate({
    Name: service,
    TaskTemplate: {
      ContainerSpec: { Image: 'busybox', Args: ['sleep', '86400'] },
      ...(restartDelayNs === undefined ? {} : { RestartPolicy: { Delay: restartDelayNs } }),
    },
    Mode: { Replicated: { Replicas: replicas } },
  });
  let counts = new Map<string, number>();
  const upMs = await until(`${replicas}/${replicas} running`, createdAt, async () => {
    counts = await runningByNode(api, service);
    return [...counts.values()].reduce((a, b) => a + b, 0) >= replicas;
  });
  console.log(
    `run ${index}: create -> ${replicas}/${replicas} running: ${seconds(upMs)}  (${perNode(cluster, counts)})`,
  );

  const workers = cluster.nodes.slice(1);
  const victim = workers.reduce((a, b) =>
    (counts.get(a.nodeId ?? '') ?? 0) >= (counts.get(b.nodeId ?? '') ?? 0) ? a : b,
  );
  const lost = counts.get(victim.nodeId ?? '') ?? 0;
  const killedAt = performance.now();
  await cluster.kill(victim);
  const downMs = await until(`${victim.hostname} down`, killedAt, async () => {
    const nodes = await api.nodeList();
    return nodes.some((n) => n.ID === victim.nodeId && n.Status.State === 'down');
  });
  const backMs = await until(`${replicas}/${replicas} on the survivors`, killedAt, async () => {
    counts = await runningByNode(api, service);
    counts.delete(victim.nodeId ?? '');
    return [...counts.values()].reduce((a, b) => a + b, 0) >= replicas;
  });
  console.log(
    `run ${index}: SIGKILL ${victim.hostname} (${lost} tasks) -> node down: ${seconds(downMs)}, ` +
      `${replicas}/${replicas} running on survivors: ${seconds(backMs)}  (${perNode(cluster, counts)})`,
  );
}

async function settings(cluster: LocalCluster): Promise<string> {
  // As a user would: through the CLI, against the manager's socket.
  await run(process.execPath, [
    shoalBin,
    ...['-H', cluster.first.hostUrl],
    ...['swarm', 'update', '--dispatcher-heartbeat', values.heartbeat],
  ]);
  const swarm = await cluster.first.api.swarmInspect();
  const heartbeatNs = swarm.Spec.Dispatcher?.HeartbeatPeriod ?? 0;
  return (
    `nodes=3 (1 manager + 2 workers, loopback, process executor) replicas=${replicas} ` +
    `dispatcher-heartbeat=${heartbeatNs / 1e9}s (down 1 period after its connection drops) ` +
    `restart-delay=${(restartDelayNs ?? 5e9) / 1e9}s${restartDelayNs === undefined ? ' (default)' : ''} ` +
    `task=sleep 86400 load-average=${loadavg()[0]?.toFixed(1)}`
  );
}

async function main(): Promise<void> {
  for (let index = 1; index <= Number(values.runs); index++) {
    const dir = await mkdtemp(join(tmpdir(), 'shoal-bench-converge-'));
    let cluster: LocalCluster | undefined;
    try {
      cluster = await LocalCluster.start(
        {
          dir,
          hostnames: ['manager-1', 'worker-1', 'worker-2'],
          managers: 1,
          executor: 'process',
          logLevel: 'warn',
        },
        (c) => (cluster = c),
      );
      console.log(`settings: ${await settings(cluster)}`);
      await convergeOnce(cluster, index);
    } finally {
      if (cluster !== undefined) {
        await removeAllServices(cluster.first.api, 60_000).catch(() => false);
        await cluster.stop();
      }
      // The killed worker's tasks outlive it (process executor): end them too.
      await killStrayTaskProcesses(dir);
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  }
}

await main();
