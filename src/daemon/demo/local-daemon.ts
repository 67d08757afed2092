import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineApi } from '../../cli/client/engine-api.ts';
import { EngineClient } from '../../cli/client/engine-client.ts';
import type { ExecutorKind } from '../config.ts';

const shoalBin = new URL('../../../bin/shoal.js', import.meta.url).pathname;

/** How one {@link LocalDaemon} runs. */
export interface LocalDaemonOptions {
  /** Node hostname, also the name of its folder under the cluster dir. */
  readonly hostname: string;
  /** The cluster dir; the daemon keeps `<hostname>/data`, `<hostname>.sock`, `<hostname>.log`. */
  readonly dir: string;
  /** Loopback cluster port (fixed, so a restart would come back on it). */
  readonly port: number;
  readonly executor: ExecutorKind;
  /** `--log-level`; default `info`. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Hidden `--raft-tick-ms`; default the daemon's own. */
  readonly raftTickMs?: number;
}

/**
 * One `shoal daemon` child process on loopback, its log appended to `<hostname>.log`. The
 * child runs in its own process group, so a Ctrl-C meant for the parent does not reach it:
 * the parent decides when and how it stops. Not restartable.
 */
export class LocalDaemon {
  /** The Engine API of this daemon. Closed by {@link stop} and {@link kill}. */
  readonly api: EngineApi;
  readonly socketPath: string;
  readonly logPath: string;
  /** The swarm node ID, once the daemon has joined (set by its cluster). */
  nodeId: string | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: LocalDaemonOptions) {
    this.socketPath = join(options.dir, `${options.hostname}.sock`);
    this.logPath = join(options.dir, `${options.hostname}.log`);
    const url = `unix://${this.socketPath}`;
    this.api = new EngineApi(
      new EngineClient({ host: { kind: 'unix', path: this.socketPath, url } }),
    );
  }

  get hostname(): string {
    return this.options.hostname;
  }

  /** The cluster address (`127.0.0.1:PORT`) peers dial. */
  get listenAddr(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  /** `-H` for this daemon. */
  get hostUrl(): string {
    return `unix://${this.socketPath}`;
  }

  /** The child's pid once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Whether the child is running. */
  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Spawns the daemon and returns at once; {@link waitForApi} tells when it answers. */
  async start(): Promise<void> {
    if (this.child !== undefined) throw new Error(`${this.hostname} was already started`);
    await mkdir(join(this.options.dir, this.hostname), { recursive: true });
    const args = [
      shoalBin,
      'daemon',
      ...['--data-dir', join(this.options.dir, this.hostname, 'data')],
      ...['--api-socket', this.socketPath],
      ...['--listen-addr', this.listenAddr],
      ...['--hostname', this.hostname],
      ...['--executor', this.options.executor],
      ...['--log-level', this.options.logLevel ?? 'info'],
      ...(this.options.raftTickMs === undefined
        ? []
        : ['--raft-tick-ms', String(this.options.raftTickMs)]),
    ];
    const log = openSync(this.logPath, 'a');
    try {
      const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], detached: true });
      this.child = child;
      this.exited = once(child, 'exit').then(() => undefined);
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(log);
    }
  }

  /**
   * Resolves once `/_ping` answers; rejects when the child exits first (with the tail of its
   * log) or after `timeoutMs`.
   */
  async waitForApi(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.hostname} exited:\n${this.logTail()}`);
      try {
        await this.api.client.ping();
        return;
      } catch {
        // Not listening yet: tsx is still compiling, or the socket is not bound yet.
      }
      if (performance.now() > deadline) {
        throw new Error(`${this.hostname}'s API did not answer within ${timeoutMs} ms`);
      }
      await sleep(100);
    }
  }

  /** The last lines of the daemon's log, for error messages. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /**
   * SIGTERM (a clean stop: the daemon leaves its tasks running and removes its socket), then
   * SIGKILL if it has not exited after `graceMs`. Resolves once the child has exited.
   */
  async stop(graceMs: number): Promise<void> {
    this.api.client.close();
    if (!this.running) return;
    this.child?.kill('SIGTERM');
    const cancel = new AbortController();
    const late = sleep(graceMs, 'late' as const, { signal: cancel.signal }).catch(() => 'early');
    const outcome = await Promise.race([this.exited.then(() => 'exited'), late]);
    cancel.abort();
    if (outcome === 'late') await this.kill();
    await this.exited;
  }

  /** SIGKILLs the child and resolves once it has exited. */
  async kill(): Promise<void> {
    this.api.client.close();
    if (!this.running) return;
    this.child?.kill('SIGKILL');
    await this.exited;
  }
}
