import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import { daemonConfigFrom } from '../../../src/daemon/config.ts';
import { Daemon } from '../../../src/daemon/daemon.ts';

/** A reply of the Engine API: status, headers and the parsed JSON body (or raw text). */
export interface ApiReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

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
      swarmTiming: { tickMs: 10 },
    });
    await daemon.start();
    return daemon;
  }

  /** One Engine API call over the unix socket (v1.41), with an optional JSON body. */
  call(method: string, path: string, body?: unknown): Promise<ApiReply> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: this.socket,
          method,
          path: `/v1.41${path}`,
          headers: payload === undefined ? {} : { 'Content-Type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              // Plain-text replies (/_ping) stay text.
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}
