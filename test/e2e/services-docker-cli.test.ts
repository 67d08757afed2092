import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_IMAGE, ensureTestImage, requireDockerEngine } from '../support/docker-engine.ts';
import { waitFor } from '../support/wait-for.ts';
import { findDocker, runDocker } from './support/docker-cli.ts';
import type { CliResult } from './support/docker-cli.ts';
import { EngineContainers } from './support/engine-containers.ts';
import { E2eDaemon } from './support/shoal-daemon.ts';

// The real docker CLI drives `service create/scale/ps/update/rollback/logs/rm` against an
// in-process shoal daemon whose tasks are real containers of the local Docker Engine
// (`--executor docker`), and `service create` against one with the process executor. No
// registry is reachable: the image is the locally imported busybox, tagged twice for updates.
// These tests FAIL without a Docker engine or the docker CLI, as they must in CI.

const TAG_REPO = 'shoal-test/busybox';
const TAGS = ['e2e-cli-v1', 'e2e-cli-v2'] as const;

let docker: string | undefined;
let engine: EngineContainers;
const daemons: E2eDaemon[] = [];

before(async () => {
  docker = await findDocker();
  engine = new EngineContainers(await requireDockerEngine());
  await ensureTestImage(engine.socketPath);
  for (const tag of TAGS) await engine.tag(TEST_IMAGE, TAG_REPO, tag);
});

after(async () => {
  // Daemons first (they remove their containers), then the tags, even after a failure.
  const errors: unknown[] = [];
  for (const daemon of daemons) await daemon.dispose().catch((err: unknown) => errors.push(err));
  if (engine !== undefined) {
    for (const tag of TAGS) await engine.untag(`${TAG_REPO}:${tag}`).catch(() => undefined);
  }
  if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
});

/** A swarm-initialised daemon with the given executor, disposed of in `after()`. */
async function swarmDaemon(executor: 'docker' | 'process'): Promise<{
  daemon: E2eDaemon;
  cli: (...args: string[]) => Promise<CliResult>;
  ok: (...args: string[]) => Promise<string>;
  nodeId: string;
}> {
  const daemon = await E2eDaemon.start(executor);
  daemons.push(daemon);
  const cli = (...args: string[]): Promise<CliResult> =>
    runDocker(docker, daemon.socket, daemon.dir, args);
  const ok = async (...args: string[]): Promise<string> => {
    const res = await cli(...args);
    assert.equal(
      res.code,
      0,
      `docker ${args.join(' ')} exited ${res.code}:\n${res.stdout}\n${res.stderr}`,
    );
    return res.stdout;
  };
  await ok('swarm', 'init', '--advertise-addr', '127.0.0.1');
  return { daemon, cli, ok, nodeId: await daemon.rememberNodeId() };
}

/** The images of a service's running containers, sorted. */
async function runningImages(nodeId: string, service: string): Promise<string[]> {
  const running = await engine.ofService(nodeId, service, true);
  const images = await Promise.all(
    running.map(async (c) => (await engine.inspect(c.Id)).Config.Image),
  );
  return images.sort();
}

describe('the docker CLI against shoal with the docker executor', () => {
  let ok: (...args: string[]) => Promise<string>;
  let cli: (...args: string[]) => Promise<CliResult>;
  let nodeId = '';
  let serviceId = '';

  before(async () => {
    ({ ok, cli, nodeId } = await swarmDaemon('docker'));
  });

  test('service create --replicas 2 (no --detach) converges: two real containers named and labelled as Swarm does', async () => {
    const out = await ok(
      'service',
      'create',
      '--replicas',
      '2',
      '--name',
      'web',
      '--init',
      TEST_IMAGE,
      'sleep',
      '1000',
    );
    // The CLI's own progress display read /tasks with `_up-to-date` until both ran, then
    // watched them stay up for the monitor period.
    assert.match(out, /overall progress: 2 out of 2 tasks/);
    const converged = /verify: Service (\w+) converged/.exec(out);
    assert.ok(converged, `no "verify: Service ... converged" in:\n${out}`);
    serviceId = (await ok('service', 'inspect', '--format', '{{.ID}}', 'web')).trim();
    assert.equal(converged[1], serviceId);

    const containers = await engine.ofService(nodeId, 'web', true);
    assert.equal(containers.length, 2);
    const slots = [];
    for (const summary of containers) {
      const c = await engine.inspect(summary.Id);
      const match = /^\/web\.(\d)\.([a-z0-9]{25})$/.exec(c.Name);
      assert.ok(match, `container name ${c.Name} is not web.<slot>.<task id>`);
      slots.push(match[1]);
      const labels = c.Config.Labels;
      assert.equal(labels['com.docker.swarm.task.id'], match[2]);
      assert.equal(labels['com.docker.swarm.task.name'], c.Name.slice(1));
      assert.equal(labels['com.docker.swarm.service.id'], serviceId);
      assert.equal(labels['com.docker.swarm.service.name'], 'web');
      assert.equal(labels['com.docker.swarm.node.id'], nodeId);
      assert.equal(c.Config.Image, TEST_IMAGE);
      assert.equal(c.HostConfig.Init, true);
      assert.equal(c.State.Status, 'running');
      // The task the container runs is the one the API reports running.
      const task = (
        await ok(
          'inspect',
          '--type',
          'task',
          '--format',
          '{{.Status.State}} {{.Status.ContainerStatus.ContainerID}}',
          match[2] ?? '',
        )
      ).trim();
      assert.equal(task, `running ${c.Id}`);
    }
    assert.deepEqual(slots.sort(), ['1', '2']);
  });

  test('service scale web=3 waits for the third task; service ps shows the columns and names', async () => {
    const out = await ok('service', 'scale', 'web=3');
    assert.match(out, /web scaled to 3/);
    assert.match(out, /verify: Service \w+ converged/);
    assert.equal((await engine.ofService(nodeId, 'web', true)).length, 3);

    const ps = await ok('service', 'ps', 'web');
    const [header = '', ...rows] = ps.trimEnd().split('\n');
    assert.deepEqual(header.trim().split(/\s{2,}/), [
      'ID',
      'NAME',
      'IMAGE',
      'NODE',
      'DESIRED STATE',
      'CURRENT STATE',
      'ERROR',
      'PORTS',
    ]);
    assert.equal(rows.length, 3);
    const cells = rows.map((row) => row.trim().split(/\s{2,}/));
    assert.deepEqual(cells.map((c) => c[1]).sort(), ['web.1', 'web.2', 'web.3']);
    for (const row of cells) {
      assert.match(row[0] ?? '', /^[a-z0-9]{12}$/);
      assert.equal(row[2], TEST_IMAGE);
      assert.equal(row[3], 'e2e-docker');
      assert.equal(row[4], 'Running');
      assert.match(row[5] ?? '', /^Running (less than a second|\d+ seconds?) ago$/);
    }
    const ls = await ok('service', 'ls', '--format', '{{.Name}} {{.Mode}} {{.Replicas}}');
    assert.equal(ls.trim(), 'web replicated 3/3');
  });

  test('service update --image replaces every container; service rollback brings the old image back', async () => {
    const v1 = `${TAG_REPO}:${TAGS[0]}`;
    const updated = await ok(
      'service',
      'update',
      '--image',
      v1,
      '--update-parallelism',
      '3',
      '--update-monitor',
      '1s',
      'web',
    );
    assert.match(updated, /verify: Service \w+ converged/);
    assert.deepEqual(await runningImages(nodeId, 'web'), [v1, v1, v1]);

    // Each slot keeps its replaced task as history, which the table shows under it.
    const ps = await ok(
      'service',
      'ps',
      'web',
      '--format',
      '{{.Name}} {{.Image}} {{.DesiredState}}',
    );
    assert.deepEqual(ps.trim().split('\n').sort(), [
      `web.1 ${v1} Running`,
      `web.1 ${TEST_IMAGE} Shutdown`,
      `web.2 ${v1} Running`,
      `web.2 ${TEST_IMAGE} Shutdown`,
      `web.3 ${v1} Running`,
      `web.3 ${TEST_IMAGE} Shutdown`,
    ]);
    const table = await ok('service', 'ps', 'web');
    const names = table
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.slice(15).split(/\s{2,}/)[0]);
    assert.deepEqual(names, ['web.1', ' \\_ web.1', 'web.2', ' \\_ web.2', 'web.3', ' \\_ web.3']);

    const rolledBack = await ok('service', 'rollback', 'web');
    assert.match(rolledBack, /rollback: manually requested rollback/);
    assert.match(rolledBack, /verify: Service \w+ converged/);
    assert.deepEqual(await runningImages(nodeId, 'web'), [TEST_IMAGE, TEST_IMAGE, TEST_IMAGE]);
    const image = await ok(
      'service',
      'inspect',
      '--format',
      '{{.Spec.TaskTemplate.ContainerSpec.Image}} {{.PreviousSpec.TaskTemplate.ContainerSpec.Image}}',
      'web',
    );
    assert.equal(image.trim(), `${TEST_IMAGE} ${v1}`);
  });

  test('service logs merges the output of every task with name.slot.id@node prefixes', async () => {
    await ok(
      'service',
      'create',
      '--detach',
      '--replicas',
      '2',
      '--name',
      'echo',
      '--init',
      '--env',
      'GREETING=hello from shoal',
      `${TAG_REPO}:${TAGS[1]}`,
      'sh',
      '-c',
      'echo "$GREETING"; echo on-stderr >&2; exec sleep 1000',
    );
    // The CLI writes what tasks wrote to stderr to its own stderr, as Docker does.
    const logs = await waitFor(
      'both tasks of echo to have logged on stdout and stderr',
      async () => {
        const res = await cli('service', 'logs', 'echo');
        const text = res.stdout + res.stderr;
        return res.code === 0 && text.trim().split('\n').length === 4 && res;
      },
      { timeoutMs: 20_000 },
    );
    const parse = (text: string): string[] =>
      text
        .trim()
        .split('\n')
        .map((line) => {
          const match = /^echo\.([12])\.[a-z0-9]{12}@e2e-docker\s+\| (.*)$/.exec(line);
          assert.ok(
            match,
            `log line ${JSON.stringify(line)} lacks the echo.<slot>.<id>@e2e-docker prefix`,
          );
          return `${match[1]} ${match[2]}`;
        })
        .sort();
    assert.deepEqual(parse(logs.stdout), ['1 hello from shoal', '2 hello from shoal']);
    assert.deepEqual(parse(logs.stderr), ['1 on-stderr', '2 on-stderr']);
    // The prefix names the very tasks `service ps` lists.
    const ids = await ok('service', 'ps', '--format', '{{.Name}}.{{.ID}}', 'echo');
    assert.deepEqual(
      logs.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('@')[0])
        .sort(),
      ids.trim().split('\n').sort(),
    );
    const raw = await cli('service', 'logs', '--raw', '--no-task-ids', 'echo');
    assert.deepEqual((raw.stdout + raw.stderr).trim().split('\n').sort(), [
      'hello from shoal',
      'hello from shoal',
      'on-stderr',
      'on-stderr',
    ]);
  });

  test('service rm removes the services and their containers', async () => {
    const out = await ok('service', 'rm', 'web', 'echo');
    assert.deepEqual(out.trim().split('\n'), ['web', 'echo']);
    await waitFor(
      'the containers of web and echo to be gone',
      async () => {
        const left = [
          ...(await engine.ofService(nodeId, 'web')),
          ...(await engine.ofService(nodeId, 'echo')),
        ];
        return left.length === 0 || undefined;
      },
      { timeoutMs: 20_000 },
    );
    assert.equal((await ok('service', 'ls', '-q')).trim(), '');
  });
});

describe('the docker CLI against shoal with the process executor', () => {
  test('service create --replicas 2 (no --detach) converges on host processes', async () => {
    const { ok, daemon, nodeId } = await swarmDaemon('process');
    const out = await ok(
      'service',
      'create',
      '--replicas',
      '2',
      '--name',
      'web',
      '--update-monitor',
      '1s',
      TEST_IMAGE,
      'sleep',
      '1000',
    );
    assert.match(out, /overall progress: 2 out of 2 tasks/);
    assert.match(out, /verify: Service \w+ converged/);
    const ps = await ok(
      'service',
      'ps',
      'web',
      '--format',
      '{{.Name}} {{.Node}} {{.CurrentState}}',
    );
    const rows = ps.trim().split('\n').sort();
    assert.equal(rows.length, 2);
    rows.forEach((row, i) => assert.match(row, new RegExp(`^web\\.${i + 1} e2e-process Running `)));
    assert.deepEqual(
      await engine.ofService(nodeId, 'web'),
      [],
      'the process executor makes no containers',
    );
    await ok('service', 'rm', 'web');
    await waitFor(
      'the tasks of web to be gone',
      async () => {
        const left = (await daemon.api.ok('GET', '/tasks')) as unknown[];
        return left.length === 0 || undefined;
      },
      { timeoutMs: 20_000 },
    );
  });
});
