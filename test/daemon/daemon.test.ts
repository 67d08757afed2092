import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SystemClock } from '../../src/base/clock.ts';
import { ShoalError } from '../../src/base/errors.ts';
import { silentLogger } from '../../src/base/logger.ts';
import { daemonConfigFrom } from '../../src/daemon/config.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { ApiClient } from '../support/api-client.ts';

const run = promisify(execFile);

function daemonAt(dir: string): Daemon {
  const config = daemonConfigFrom({
    dataDir: join(dir, 'data'),
    apiSocket: join(dir, 'shoal.sock'),
    listenAddr: '127.0.0.1:0',
    hostname: 'node-1',
  });
  return new Daemon(config, {
    clock: new SystemClock(),
    logger: silentLogger,
    identity: { version: '0.1.0-test' },
  });
}

test('a daemon starts outside any swarm, keeps its identity across restarts, and cleans up', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-daemon-'));
  const socket = join(dir, 'shoal.sock');
  try {
    const first = daemonAt(dir);
    await first.start();
    const engineId = first.state().engineId;
    const info = (await new ApiClient(socket).ok('GET', '/info')) as {
      ID: string;
      Swarm: { LocalNodeState: string };
      DockerRootDir: string;
    };
    assert.equal(info.Swarm.LocalNodeState, 'inactive');
    assert.equal(info.ID, engineId);
    assert.equal(info.DockerRootDir, join(dir, 'data'));

    // The real docker CLI agrees (CI installs Debian's docker.io, which carries it).
    const { stdout } = await run('docker', [
      '-H',
      `unix://${socket}`,
      'info',
      '--format',
      '{{.Swarm.LocalNodeState}} {{.ID}}',
    ]);
    assert.equal(stdout.trim(), `inactive ${engineId}`);

    await assert.rejects(
      daemonAt(dir).start(),
      (err: unknown) => err instanceof ShoalError && err.code === 'DATA_DIR_IN_USE',
    );
    assert.ok(existsSync(socket), 'a refused second daemon leaves the first one serving');

    await first.stop();
    await first.stop();
    assert.equal(existsSync(socket), false);
    assert.equal(existsSync(join(dir, 'data', 'shoal.pid')), false);

    const second = daemonAt(dir);
    await second.start();
    assert.equal(second.state().engineId, engineId);
    await second.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
