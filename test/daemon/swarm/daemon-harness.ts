import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { daemonConfigFrom } from '../../../src/daemon/config.ts';
import { Daemon } from '../../../src/daemon/daemon.ts';
import { ApiClient } from '../../support/api-client.ts';
import type { ApiReply } from '../../support/api-client.ts';

/** A temp dir for one daemon's data and socket, and daemons started on it. */
export class DaemonDir {
  private constructor(readonly dir: string) {}

  static async create(): Promise<DaemonDir> {
    return new DaemonDir(await mkdtemp(join(tmpdir(), 'shoal-swarm-')));
  }

  get socket(): string {
    return join(this.dir, 'shoal.sock');
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A started daemon on this dir, listening for cluster traffic on 127.0.0.1:0, fast Raft ticks. */
  async start(hostname = 'node-1'): Promise<Daemon> {
    const config = daemonConfigFrom({
      dataDir: this.dataDir,
      apiSocket: this.socket,
      listenAddr: '127.0.0.1:0',
      hostname,
    });
    const daemon = new Daemon(config, {
      clock: new SystemClock(),
      logger: silentLogger,
      identity: { version: '0.1.0-test' },
      // 50 ms ticks: elections in well under a second, yet robust to event-loop stalls of the
      // several daemons one test process hosts on a loaded machine (10 ms flapped there).
      swarmTiming: { tickMs: 50 },
    });
    await daemon.start();
    return daemon;
  }

  /** One Engine API call over the unix socket (v1.41), with an optional JSON body. */
  call(method: string, path: string, body?: unknown): Promise<ApiReply> {
    // Generous: init and joins wait for Raft; a hung daemon still fails the test's own timeout.
    return new ApiClient(this.socket, 60_000).call(method, path, body);
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}
