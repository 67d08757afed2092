import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE, ensureTestImage, requireDockerEngine } from '../support/docker-engine.ts';
import { waitFor } from '../support/wait-for.ts';
import { findDocker, runDocker } from './support/docker-cli.ts';
import type { CliResult } from './support/docker-cli.ts';
import { EngineContainers } from './support/engine-containers.ts';
import type { ContainerInspect } from './support/engine-containers.ts';
import { E2eDaemon } from './support/shoal-daemon.ts';

// Services whose tasks are real containers (`shoal daemon --executor docker` on the local
// engine, driven by the real docker CLI): what the container gets from the spec, a missing
// image, and rolling updates gated by healthchecks. FAILS without an engine or the CLI.

let docker: string | undefined;
let engine: EngineContainers;
let daemon: E2eDaemon | undefined;
let nodeId = '';
let probeDir = '';

before(async () => {
  docker = await findDocker();
  engine = new EngineContainers(await requireDockerEngine());
  await ensureTestImage(engine.socketPath);
  probeDir = await mkdtemp(join(tmpdir(), 'shoal-e2e-probe-'));
  // Tasks run as `nobody` in one test and write here.
  await chmod(probeDir, 0o777);
  daemon = await E2eDaemon.start('docker');
  await ok('swarm', 'init', '--advertise-addr', '127.0.0.1');
  nodeId = await daemon.rememberNodeId();
});

after(async () => {
  await daemon?.dispose();
  if (probeDir !== '') await rm(probeDir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<CliResult> {
  if (daemon === undefined) assert.fail('the shoal daemon did not start');
  return runDocker(docker, daemon.socket, daemon.dir, args);
}

async function ok(...args: string[]): Promise<string> {
  const res = await cli(...args);
  assert.equal(
    res.code,
    0,
    `docker ${args.join(' ')} exited ${res.code}:\n${res.stdout}\n${res.stderr}`,
  );
  return res.stdout;
}

/** The parts of an Engine API task the tests read. */
interface TaskJson {
  readonly ID: string;
  readonly Slot?: number;
  readonly DesiredState: string;
  readonly Spec: {
    readonly ContainerSpec?: { readonly Healthcheck?: { readonly Test?: string[] } };
  };
  readonly Status: { readonly State: string; readonly Err?: string; readonly Message?: string };
}

async function tasksOf(service: string): Promise<TaskJson[]> {
  const filters = encodeURIComponent(JSON.stringify({ service: [service] }));
  return (await daemon!.api.ok('GET', `/tasks?filters=${filters}`)) as TaskJson[];
}

async function updateStatus(service: string): Promise<{ State?: string; Message?: string }> {
  const out = await ok('service', 'inspect', '--format', '{{json .UpdateStatus}}', service);
  return (JSON.parse(out) ?? {}) as { State?: string; Message?: string };
}

/** The one running container of `service` on this node, inspected. */
async function runningContainer(service: string): Promise<ContainerInspect> {
  const [only, ...more] = await engine.ofService(nodeId, service, true);
  assert.ok(only, `no running container of ${service}`);
  assert.equal(more.length, 0, `more than one running container of ${service}`);
  return engine.inspect(only.Id);
}

test('the container gets the spec: env, mounts, limits, user, workdir, hostname, labels, stop signal', async () => {
  await ok(
    'service',
    'create',
    '--name',
    'conf',
    '--init',
    '--update-monitor',
    '1s',
    '--env',
    'GREETING=hello',
    '--env',
    'EMPTY=',
    '--mount',
    `type=bind,source=${probeDir},target=/data`,
    '--mount',
    'type=tmpfs,target=/scratch',
    '--mount',
    `type=bind,source=${probeDir},target=/ro,readonly`,
    '--limit-cpu',
    '0.5',
    '--limit-memory',
    '64M',
    '--reserve-memory',
    '16M',
    '--user',
    'nobody',
    '--workdir',
    '/tmp',
    '--hostname',
    'conf-host',
    '--container-label',
    'team=blue',
    '--stop-signal',
    'SIGUSR1',
    '--stop-grace-period',
    '3s',
    TEST_IMAGE,
    'sh',
    '-c',
    'echo "$GREETING $(id -u) $(pwd) $(hostname)" > /data/conf.out; ' +
      'touch /ro/denied 2>/dev/null || echo ro > /data/conf.ro; exec sleep 1000',
  );
  const c = await runningContainer('conf');
  assert.ok(c.Config.Env.includes('GREETING=hello'));
  assert.ok(c.Config.Env.includes('EMPTY='));
  assert.equal(c.Config.User, 'nobody');
  assert.equal(c.Config.WorkingDir, '/tmp');
  assert.equal(c.Config.Hostname, 'conf-host');
  assert.equal(c.Config.StopSignal, 'SIGUSR1');
  assert.equal(c.Config.Labels['team'], 'blue');
  assert.equal(c.Config.Labels['com.docker.swarm.service.name'], 'conf');
  assert.equal(c.HostConfig.NanoCpus, 5e8);
  assert.equal(c.HostConfig.Memory, 64 * 1024 * 1024);
  // As Docker's executor: reservations are for the scheduler, only limits reach the engine.
  assert.equal(c.HostConfig.MemoryReservation ?? 0, 0);
  assert.equal(c.HostConfig.Init, true);
  const mounts = c.Mounts.map((m) => `${m.Type} ${m.Destination} ${m.RW ? 'rw' : 'ro'}`).sort();
  assert.deepEqual(mounts, ['bind /data rw', 'bind /ro ro', 'tmpfs /scratch rw']);
  // And the process inside saw them.
  const out = await waitFor('the task to write conf.out', () =>
    readFile(join(probeDir, 'conf.out'), 'utf8').catch(() => undefined),
  );
  assert.equal(out, 'hello 65534 /tmp conf-host\n');
  assert.equal(await readFile(join(probeDir, 'conf.ro'), 'utf8'), 'ro\n');
  await ok('service', 'rm', 'conf');
});

test('a task whose image is missing is rejected with "No such image" shown by service ps', async () => {
  await ok(
    'service',
    'create',
    '--detach',
    '--name',
    'ghost',
    '--no-resolve-image',
    'shoal-test/no-such-image:e2e',
    'sleep',
    '1',
  );
  const rejected = await waitFor(
    'the ghost task to be rejected',
    async () => {
      const tasks = await tasksOf('ghost');
      return tasks.find((t) => t.Status.State === 'rejected');
    },
    { timeoutMs: 20_000 },
  );
  assert.equal(rejected.Status.Err, 'No such image: shoal-test/no-such-image:e2e');
  const ps = await ok(
    'service',
    'ps',
    '--no-trunc',
    '--format',
    '{{.CurrentState}}|{{.Error}}',
    'ghost',
  );
  assert.match(ps, /^Rejected .*ago\|"No such image: shoal-test\/no-such-image:e2e"$/m);
  assert.deepEqual(await engine.ofService(nodeId, 'ghost'), [], 'no container was made');
  await ok('service', 'rm', 'ghost');
});

test('an update whose healthcheck fails never runs, and rolls back to the healthy spec', async () => {
  // Without --detach the CLI waits for the task to be running, which needs it healthy.
  await ok(
    'service',
    'create',
    '--name',
    'hc',
    '--init',
    '--update-monitor',
    '1s',
    '--health-cmd',
    'true',
    '--health-interval',
    '1s',
    '--health-retries',
    '1',
    TEST_IMAGE,
    'sleep',
    '1000',
  );
  const [good, ...others] = await tasksOf('hc');
  assert.ok(good !== undefined && others.length === 0);
  assert.equal(good.Status.State, 'running');
  assert.equal((await runningContainer('hc')).State.Health?.Status, 'healthy');

  await ok(
    'service',
    'update',
    '--detach',
    '--health-cmd',
    'false',
    '--health-interval',
    '1s',
    '--health-retries',
    '1',
    '--update-failure-action',
    'rollback',
    '--update-monitor',
    '3s',
    'hc',
  );
  // Polled closely, so a bad task that ran even briefly, and the rollback's reason, are seen.
  const seen = new Map<string, Set<string>>();
  const reasons = new Set<string>();
  await waitFor(
    'the update of hc to roll back',
    async () => {
      for (const t of await tasksOf('hc')) {
        if (t.Spec.ContainerSpec?.Healthcheck?.Test?.[1] !== 'false') continue;
        seen.set(t.ID, (seen.get(t.ID) ?? new Set()).add(t.Status.State));
      }
      const service = (await daemon!.api.ok('GET', '/services/hc')) as {
        UpdateStatus?: { State?: string; Message?: string };
      };
      reasons.add(`${service.UpdateStatus?.State} ${service.UpdateStatus?.Message}`);
      return service.UpdateStatus?.State === 'rollback_completed';
    },
    { timeoutMs: 30_000 },
  );
  assert.ok(reasons.has('rollback_completed rollback completed'), [...reasons].join(', '));
  const everRan = [...seen].filter(([, states]) => states.has('running'));
  assert.deepEqual(everRan, [], 'no task of the failing spec was ever running');
  assert.ok(
    [...seen.values()].some((states) => states.has('starting')),
    'the bad task was seen starting (waiting for its healthcheck)',
  );

  const tasks = await tasksOf('hc');
  const bad = tasks.filter((t) => t.Spec.ContainerSpec?.Healthcheck?.Test?.[1] === 'false');
  const failed = bad.filter((t) => t.Status.State === 'failed');
  assert.equal(failed.length, 1, `one task of the bad spec failed: ${JSON.stringify(tasks)}`);
  assert.match(
    failed[0]?.Status.Err ?? '',
    /^task: non-zero exit \(\d+\): dockerexec: unhealthy container$/,
  );
  const failedId = failed[0]?.ID ?? '';
  assert.ok(
    reasons.has(
      `rollback_started update rolled back due to failure or early termination of task ${failedId}`,
    ),
    [...reasons].join(', '),
  );
  // The restart supervisor may have made a replacement before the rollback: it never ran.
  for (const t of bad) {
    assert.ok(['failed', 'new', 'pending', 'assigned'].includes(t.Status.State), t.Status.State);
    assert.equal(t.DesiredState, 'shutdown');
  }
  const running = tasks.filter((t) => t.Status.State === 'running');
  assert.equal(running.length, 1);
  assert.notEqual(running[0]!.ID, good.ID, 'the rollback made a new task');
  assert.deepEqual(running[0]!.Spec.ContainerSpec?.Healthcheck?.Test, ['CMD-SHELL', 'true']);
  const after = await runningContainer('hc');
  assert.equal(after.Config.Labels['com.docker.swarm.task.id'], running[0]!.ID);
  assert.equal(after.State.Health?.Status, 'healthy');
  await ok('service', 'rm', 'hc');
});

test('an update with a good healthcheck converges only once the new task is healthy', async () => {
  await ok(
    'service',
    'create',
    '--name',
    'gate',
    '--init',
    '--update-monitor',
    '1s',
    '--health-cmd',
    'true',
    '--health-interval',
    '1s',
    '--health-retries',
    '1',
    TEST_IMAGE,
    'sleep',
    '1000',
  );
  // The new spec is healthy only once the test creates the file its probe looks for.
  await ok(
    'service',
    'update',
    '--detach',
    '--update-monitor',
    '1s',
    '--mount-add',
    `type=bind,source=${probeDir},target=/probe,readonly`,
    '--health-cmd',
    'test -f /probe/gate-ready',
    '--health-interval',
    '1s',
    '--health-retries',
    '1000',
    'gate',
  );
  const container = await waitFor(
    'the new container to have failed its probe twice',
    async () => {
      const listed = await engine.ofService(nodeId, 'gate', true);
      for (const summary of listed) {
        const c = await engine.inspect(summary.Id);
        if ((c.State.Health?.FailingStreak ?? 0) >= 2) return c;
      }
      return undefined;
    },
    { timeoutMs: 20_000 },
  );
  const newId = container.Config.Labels['com.docker.swarm.task.id'];
  const pending = (await tasksOf('gate')).find((t) => t.ID === newId);
  assert.equal(pending?.Status.State, 'starting', 'not running while the probe fails');
  assert.equal((await updateStatus('gate')).State, 'updating');

  await writeFile(join(probeDir, 'gate-ready'), '');
  await waitFor(
    'the update of gate to complete',
    async () => {
      return (await updateStatus('gate')).State === 'completed' || undefined;
    },
    { timeoutMs: 20_000 },
  );
  const tasks = await tasksOf('gate');
  const running = tasks.filter((t) => t.Status.State === 'running');
  assert.deepEqual(
    running.map((t) => t.ID),
    [newId],
  );
  assert.equal((await runningContainer('gate')).State.Health?.Status, 'healthy');
  await ok('service', 'rm', 'gate');
});
