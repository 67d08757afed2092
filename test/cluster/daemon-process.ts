import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ResourceTracker } from '../support/resource-tracker.ts';
import { ApiClient } from '../support/api-client.ts';

const bin = new URL('../../bin/shoal.js', import.meta.url).pathname;

/**
 * A free TCP port on 127.0.0.1, found by binding port 0 and closing. Another process may take
 * it before the caller binds it; the window is short and the harness's ports are loopback-only.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('freePort: no TCP address');
  return address.port;
}

/**
 * One `shoal daemon` child process on its own dir (`data/`, `shoal.sock`) and fixed cluster
 * port, so a restart comes back on the same address. The dir must be tracked by the caller;
 * each started child is registered in `tracker` (SIGTERM, then SIGKILL, at dispose).
 * `start()` after `kill()` or `stop()` starts a new child on the same dir and port.
 */
export class DaemonProcess {
  readonly api: ApiClient;
  private child: ChildProcess | undefined;
  private stderrText = '';

  constructor(
    readonly hostname: string,
    readonly dir: string,
    readonly listenPort: number,
    private readonly tracker: ResourceTracker,
  ) {
    this.api = new ApiClient(join(dir, 'shoal.sock'));
  }

  /** The cluster address peers dial (`127.0.0.1:PORT`). */
  get listenAddr(): string {
    return `127.0.0.1:${this.listenPort}`;
  }

  /** Whether the current child is running. */
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** The child's stderr so far (for failure messages). */
  stderr(): string {
    return this.stderrText;
  }

  /** Spawns the daemon and returns at once (the API answers later). Throws if running. */
  start(): void {
    if (this.running) throw new Error(`${this.hostname} is already running`);
    const child = spawn(
      process.execPath,
      [
        bin,
        'daemon',
        '--data-dir',
        join(this.dir, 'data'),
        '--api-socket',
        this.api.socketPath,
        '--listen-addr',
        this.listenAddr,
        '--hostname',
        this.hostname,
        '--executor',
        'process',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep the tail only: a long run must not grow memory without bound.
      this.stderrText = (this.stderrText + chunk).slice(-20_000);
    });
    this.tracker.process(child, `shoal daemon ${this.hostname}`);
    this.child = child;
  }

  /** SIGKILLs the child and resolves once it has exited; a no-op when not running. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERMs the child (a clean stop) and resolves once it has exited. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}
