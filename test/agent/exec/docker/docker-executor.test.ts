import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DockerClient } from '../../../../src/agent/exec/docker/docker-client.ts';
import { DockerExecutor } from '../../../../src/agent/exec/docker/docker-executor.ts';
import { SystemClock } from '../../../../src/base/clock.ts';
import type { ShoalError } from '../../../../src/base/errors.ts';
import { silentLogger } from '../../../../src/base/logger.ts';
import {
  ensureTestImage,
  removeNodeContainers,
  requireDockerEngine,
} from '../../../support/docker-engine.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { aTask, collect, ms, newTaskId, text, watchUntil } from '../task-fixture.ts';

let socketPath = '';
let image = '';
const nodeId = `testnode${newTaskId().slice(0, 17)}`;
const executors: DockerExecutor[] = [];

function anExecutor(node = nodeId): DockerExecutor {
  const executor = new DockerExecutor({
    nodeId: node,
    clock: new SystemClock(),
    logger: silentLogger,
    socketPath,
    pollMs: 500,
  });
  executors.push(executor);
  return executor;
}

before(async () => {
  socketPath = await requireDockerEngine();
  image = await ensureTestImage(socketPath);
});

after(async () => {
  for (const executor of executors) await executor.close();
  if (socketPath !== '') await removeNodeContainers(socketPath, nodeId);
});

interface Inspect {
  Name: string;
  Config: {
    Labels: Record<string, string>;
    Env: string[];
    Hostname: string;
    WorkingDir: string;
    StopSignal?: string;
    StopTimeout?: number;
  };
  HostConfig: {
    Init?: boolean;
    NanoCpus: number;
    Memory: number;
    Mounts?: { Type: string; Target: string }[];
  };
}

const never = (): AbortSignal => new AbortController().signal;

describe('DockerExecutor', () => {
  test("prepare creates the container with Swarm's name and labels, env and limits; list finds it", async () => {
    const executor = anExecutor();
    const task = aTask(
      {
        Image: image,
        Args: ['sh', '-c', 'echo "$GREETING"; echo to-stderr >&2; pwd; hostname'],
        Env: ['GREETING=hello'],
        Labels: { team: 'blue' },
        Hostname: 'task-host',
        Dir: '/tmp',
        Init: true,
        StopGracePeriod: ms(3_000),
        Mounts: [{ Type: 'tmpfs', Target: '/scratch' }],
      },
      { service: 'web', slot: 2, nodeId },
    );
    const limited = {
      ...task,
      Spec: {
        ...task.Spec,
        Resources: { Limits: { NanoCPUs: 5e8, MemoryBytes: 32 * 1024 * 1024 } },
      },
    };
    await executor.prepare(limited);
    await executor.prepare(limited);
    assert.equal((await executor.status(task.id)).state, 'created');
    assert.deepEqual(await executor.list(), [task.id]);
    const { containerId } = await executor.status(task.id);
    const inspect = await new DockerClient(socketPath).json<Inspect>(
      'GET',
      `/containers/${containerId}/json`,
    );
    assert.equal(inspect.Name, `/web.2.${task.id}`);
    assert.equal(inspect.Config.Labels['com.docker.swarm.task.id'], task.id);
    assert.equal(inspect.Config.Labels['com.docker.swarm.task.name'], `web.2.${task.id}`);
    assert.equal(inspect.Config.Labels['com.docker.swarm.node.id'], nodeId);
    assert.equal(inspect.Config.Labels['com.docker.swarm.service.name'], 'web');
    assert.equal(inspect.Config.Labels.team, 'blue');
    assert.ok(inspect.Config.Env.includes('GREETING=hello'));
    assert.equal(inspect.Config.StopTimeout, 3);
    assert.equal(inspect.HostConfig.Init, true);
    assert.equal(inspect.HostConfig.NanoCpus, 5e8);
    assert.equal(inspect.HostConfig.Memory, 32 * 1024 * 1024);
    assert.deepEqual(
      inspect.HostConfig.Mounts?.map((m) => [m.Type, m.Target]),
      [['tmpfs', '/scratch']],
    );

    await executor.start(task.id);
    const seen = await watchUntil(executor.watch(task.id, never()), (s) => s.state === 'exited');
    assert.equal(seen.at(-1)?.exitCode, 0);
    const logs = await collect(executor.logs(task.id, { follow: false }, never()));
    assert.equal(text(logs.filter((e) => e.stream === 'stdout')), 'hello\n/tmp\ntask-host\n');
    assert.equal(text(logs.filter((e) => e.stream === 'stderr')), 'to-stderr\n');
    assert.match(logs[0]?.timestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    // The engine copies stdout and stderr separately, so "last" is the log file's order.
    const tailed = await collect(executor.logs(task.id, { follow: false, tail: 1 }, never()));
    assert.deepEqual(tailed, logs.slice(-1));
    await executor.start(task.id);
    assert.equal(
      (await executor.status(task.id)).state,
      'exited',
      'an exited container is never restarted',
    );
    await executor.remove(task.id);
    assert.equal((await executor.status(task.id)).state, 'absent');
    await executor.remove(task.id);
  });

  test('a missing image rejects prepare with "No such image"', async () => {
    const executor = anExecutor();
    const task = aTask({ Image: 'shoal-test/no-such-image', Args: ['true'] }, { nodeId });
    await assert.rejects(executor.prepare(task), (err: ShoalError) => {
      assert.equal(err.code, 'EXECUTOR_IMAGE_NOT_FOUND');
      assert.equal(err.message, 'No such image: shoal-test/no-such-image:latest');
      return true;
    });
    assert.equal((await executor.status(task.id)).state, 'absent');
  });

  test('a non-zero exit code is reported', async () => {
    const executor = anExecutor();
    const task = aTask({ Image: image, Args: ['sh', '-c', 'exit 4'] }, { nodeId });
    await executor.prepare(task);
    await executor.start(task.id);
    const seen = await watchUntil(executor.watch(task.id, never()), (s) => s.state === 'exited');
    assert.equal(seen.at(-1)?.exitCode, 4);
    await executor.remove(task.id);
  });

  test('stop sends the stop signal through init; a task ignoring it is killed after the grace', async () => {
    const executor = anExecutor();
    const trapping = aTask(
      {
        Image: image,
        Init: true,
        StopSignal: 'SIGUSR1',
        Args: [
          'sh',
          '-c',
          'trap "echo got-usr1; exit 3" USR1; echo ready; while :; do sleep 0.1; done',
        ],
      },
      { nodeId },
    );
    const stubborn = aTask(
      {
        Image: image,
        Init: true,
        StopGracePeriod: ms(1_000),
        Args: ['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'],
      },
      { nodeId },
    );
    for (const task of [trapping, stubborn]) {
      await executor.prepare(task);
      await executor.start(task.id);
      await waitFor('ready', async () =>
        text(await collect(executor.logs(task.id, { follow: false }, never()))).includes('ready'),
      );
    }
    await executor.stop(trapping.id);
    const trapped = await executor.status(trapping.id);
    assert.equal(trapped.state, 'exited');
    assert.equal(trapped.exitCode, 3);
    assert.match(
      text(await collect(executor.logs(trapping.id, { follow: false }, never()))),
      /got-usr1/,
    );
    await executor.stop(stubborn.id);
    const killed = await executor.status(stubborn.id);
    assert.equal(killed.state, 'exited');
    assert.equal(killed.exitCode, 137);
    await executor.remove(trapping.id);
    await executor.remove(stubborn.id);
  });

  test('healthchecks report starting then healthy, or unhealthy', async () => {
    const executor = anExecutor();
    // The probe looks for a file in a bind-mounted host dir: the test decides when it passes.
    const probeDir = mkdtempSync(join(tmpdir(), 'shoal-probe-'));
    const healthy = aTask(
      {
        Image: image,
        Init: true,
        Args: ['sleep', '60'],
        Mounts: [{ Type: 'bind', Source: probeDir, Target: '/probe', ReadOnly: true }],
        Healthcheck: {
          Test: ['CMD-SHELL', 'test -f /probe/ready'],
          Interval: ms(200),
          Retries: 1000,
        },
      },
      { nodeId },
    );
    const unhealthy = aTask(
      {
        Image: image,
        Init: true,
        Args: ['sleep', '60'],
        Healthcheck: { Test: ['CMD-SHELL', 'exit 1'], Interval: ms(200), Retries: 2 },
      },
      { nodeId },
    );
    for (const task of [healthy, unhealthy]) {
      await executor.prepare(task);
      await executor.start(task.id);
    }
    const bad = await watchUntil(
      executor.watch(unhealthy.id, AbortSignal.timeout(20_000)),
      (s) => s.health === 'unhealthy',
    );
    assert.equal(bad.at(-1)?.state, 'running');
    assert.equal((await executor.status(healthy.id)).health, 'starting');
    writeFileSync(join(probeDir, 'ready'), '');
    await watchUntil(
      executor.watch(healthy.id, AbortSignal.timeout(20_000)),
      (s) => s.health === 'healthy',
    );
    await executor.remove(healthy.id);
    await executor.remove(unhealthy.id);
    rmSync(probeDir, { recursive: true, force: true });
  });

  test('follow streams output until the container exits', async () => {
    const executor = anExecutor();
    const task = aTask(
      { Image: image, Args: ['sh', '-c', 'for i in 1 2 3; do echo tick$i; sleep 0.2; done'] },
      { nodeId },
    );
    await executor.prepare(task);
    await executor.start(task.id);
    const entries = await collect(
      executor.logs(task.id, { follow: true }, AbortSignal.timeout(20_000)),
    );
    assert.equal(text(entries), 'tick1\ntick2\ntick3\n');
    await executor.remove(task.id);
  });

  test('a new executor on the same node adopts its containers; another node never sees them', async () => {
    const first = anExecutor();
    const task = aTask({ Image: image, Init: true, Args: ['sleep', '60'] }, { nodeId });
    await first.prepare(task);
    await first.start(task.id);
    const { containerId } = await first.status(task.id);
    await first.close();
    const second = anExecutor();
    assert.ok((await second.list()).includes(task.id));
    await second.prepare(task);
    await second.start(task.id);
    const status = await second.status(task.id);
    assert.equal(status.state, 'running');
    assert.equal(status.containerId, containerId, 'no twin was created');
    const stranger = anExecutor(`othernode${newTaskId().slice(0, 16)}`);
    assert.ok(!(await stranger.list()).includes(task.id));
    assert.equal((await stranger.status(task.id)).state, 'absent');
    await second.stop(task.id, 1_000);
    assert.equal((await second.status(task.id)).state, 'exited');
    await second.remove(task.id);
  });

  test('describe reports the engine', async () => {
    const description = await anExecutor().describe();
    assert.equal(description.engineLabels.executor, 'docker');
    assert.ok(description.resources.NanoCPUs >= 1e9);
    assert.ok(description.resources.MemoryBytes > 0);
    assert.equal(description.platform.OS, 'linux');
    assert.ok(description.platform.Architecture !== '');
    assert.ok(description.engineVersion !== '');
  });
});
