import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/daemon/demo/local-cluster.ts';
import type { ResourceTracker } from '../support/resource-tracker.ts';
import { ApiClient } from '../support/api-client.ts';

const bin = new URL('../../bin/shoal.js', import.meta.url).pathname;

/** A free TCP port on 127.0.0.1 (the demo's helper; the harness's ports are loopback-only). */
export const freePort = freeLoopbackPort;

/** How a {@link DaemonProcess} runs. */
export interface DaemonProcessOptions {
  /** The cluster address (fixed, so a restart comes back on it). */
  readonly listen: { readonly host: string; readonly port: number };
  /** Run inside this network namespace (`/var/run/netns/NAME`, entered with nsenter). */
  readonly netns?: string;
  /** `--raft-tick-ms`; default the daemon's own. */
  readonly raftTickMs?: number;
  /** `--log-level`; default `warn`. */
  readonly logLevel?: string;
}

/**
 * One `shoal daemon` child process on its own dir (`data/`, `shoal.sock`) and fixed cluster
 * address, so a restart comes back on the same address; in its own network namespace when
 * given one (the API socket is a file, so the test reaches it from any namespace). The dir
 * must be tracked by the caller; each started child is registered in `tracker` by pid
 * (SIGTERM, then SIGKILL, at dispose). `start()` after `kill()` or `stop()` starts a new
 * child on the same dir and address.
 */
export class DaemonProcess {
  readonly api: ApiClient;
  private child: ChildProcess | undefined;
  private stderrText = '';

  constructor(
    readonly hostname: string,
    readonly dir: string,
    private readonly options: DaemonProcessOptions,
    private readonly tracker: ResourceTracker,
  ) {
    this.api = new ApiClient(join(dir, 'shoal.sock'));
  }

  /** The cluster address peers dial (`HOST:PORT`). */
  get listenAddr(): string {
    return `${this.options.listen.host}:${this.options.listen.port}`;
  }

  /** The cluster port. */
  get listenPort(): number {
    return this.options.listen.port;
  }

  /** Whether the current child is running. */
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** The current child's pid, if one was started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The child's stderr so far (for failure messages). */
  stderr(): string {
    return this.stderrText;
  }

  /** Spawns the daemon and returns at once (the API answers later). Throws if running. */
  start(): void {
    if (this.running) throw new Error(`${this.hostname} is already running`);
    const args = [
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
      this.options.logLevel ?? 'warn',
      ...(this.options.raftTickMs === undefined
        ? []
        : ['--raft-tick-ms', String(this.options.raftTickMs)]),
    ];
    const netns = this.options.netns;
    // nsenter execs node in place, so the tracked pid is the daemon's own.
    const [command, argv] =
      netns === undefined
        ? [process.execPath, args]
        : ['nsenter', [`--net=/var/run/netns/${netns}`, '--', process.execPath, ...args]];
    const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
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
