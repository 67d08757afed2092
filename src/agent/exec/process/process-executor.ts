import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Task } from '../../../api/objects/task.ts';
import type { Clock } from '../../../base/clock.ts';
import { ShoalError } from '../../../base/errors.ts';
import type { Logger } from '../../../base/logger.ts';
import { localNodeFacts } from '../../session/node-description.ts';
import type {
  Executor,
  ExecutorDescription,
  TaskLogEntry,
  TaskLogOptions,
  TaskRuntimeStatus,
} from '../executor.ts';
import { findExecutable, launch, untilExecd } from './launch.ts';
import type { LogLimits } from './log-pump.ts';
import { DEFAULT_LOG_LIMITS } from './log-pump.ts';
import { followPump, readStoredLogs } from './log-reader.ts';
import { identify, isAlive } from './proc-stat.ts';
import type { RunRecord } from './task-dir.ts';
import { TaskDir, isSafeTaskId } from './task-dir.ts';
import type { TaskPlan } from './task-plan.ts';
import { envObject, planTask } from './task-plan.ts';
import { TaskLocks } from './task-locks.ts';
import { TaskSupervision } from './task-supervision.ts';
import { stopTask } from './stop-task.ts';

/** Construction options of a {@link ProcessExecutor}. */
export interface ProcessExecutorOptions {
  /** The executor's own directory, e.g. `<data dir>/executor/process`; created if missing. */
  readonly stateDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `HOSTNAME` for tasks without `Hostname`; default `os.hostname()`. */
  readonly hostname?: string;
  /** How often a process this executor did not spawn is checked for exit; default 500 ms. */
  readonly pollMs?: number;
  readonly logLimits?: LogLimits;
  /** Shown as `shoal <version>`; default the package version. */
  readonly version?: string;
}

function packageVersion(): string {
  const url = new URL('../../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/**
 * Runs each task's command as a host process (see README.md): a sandbox dir per task as its
 * working dir, its env, its user when the daemon is root, captured and rotated logs, a
 * healthcheck runner, stop signal then SIGKILL after the grace period. Processes run detached
 * under a tiny shell supervisor and are recorded in the state dir, so a new executor on the
 * same dir lists, watches, stops and reports the exits of what an earlier one started, and
 * never starts a twin. `list()` resumes log capture and healthchecks of adopted tasks.
 */
export class ProcessExecutor implements Executor {
  readonly kind = 'process';
  private readonly tasksDir: string;
  private readonly supervisions = new Map<string, TaskSupervision>();
  private readonly locks = new TaskLocks();
  private readonly changes = new EventEmitter();
  private readonly pollMs: number;
  private closed = false;

  constructor(private readonly options: ProcessExecutorOptions) {
    this.tasksDir = join(options.stateDir, 'tasks');
    mkdirSync(this.tasksDir, { recursive: true, mode: 0o711 });
    this.pollMs = options.pollMs ?? 500;
    this.changes.setMaxListeners(0);
  }

  describe(): Promise<ExecutorDescription> {
    const facts = localNodeFacts('process', '');
    return Promise.resolve({
      engineLabels: { executor: 'process' },
      resources: { NanoCPUs: facts.cpus * 1e9, MemoryBytes: facts.memoryBytes },
      platform: { OS: facts.os, Architecture: facts.architecture },
      engineVersion: `shoal ${this.options.version ?? packageVersion()}`,
    });
  }

  list(): Promise<string[]> {
    const ids = readdirSync(this.tasksDir).filter(
      (id) => isSafeTaskId(id) && existsSync(join(this.tasksDir, id, 'task.json')),
    );
    for (const id of ids) this.supervise(id);
    return Promise.resolve(ids);
  }

  prepare(task: Task): Promise<void> {
    return this.locks.run(task.id, () => {
      const dir = this.taskDir(task.id);
      if (existsSync(dir.plan)) return;
      const plan = planTask(task, {
        sandbox: dir.sandbox,
        hostname: this.options.hostname ?? hostname(),
        isRoot: process.getuid?.() === 0,
      });
      if (typeof plan === 'string')
        throw new ShoalError('EXECUTOR_TASK_INVALID', plan, { status: 400 });
      mkdirSync(dir.root, { recursive: true, mode: 0o711 });
      mkdirSync(plan.cwd, { recursive: true });
      if (plan.runAs !== undefined) {
        for (const path of new Set([plan.sandbox, plan.cwd]))
          chownSync(path, plan.runAs.uid, plan.runAs.gid);
      }
      dir.writeJson(dir.plan, plan);
    });
  }

  start(taskId: string): Promise<void> {
    return this.locks.run(taskId, async () => {
      const dir = this.taskDir(taskId);
      const plan = dir.readJson<TaskPlan>(dir.plan);
      if (plan === undefined) {
        throw new ShoalError(
          'EXECUTOR_TASK_NOT_FOUND',
          `task ${taskId} is not prepared on this node`,
          { status: 404 },
        );
      }
      if (existsSync(dir.run) || existsSync(dir.startLock)) {
        this.supervise(taskId);
        return;
      }
      const program = plan.argv[0] ?? '';
      if (findExecutable(program, envObject(plan.env).PATH ?? '') === undefined) {
        throw new ShoalError(
          'EXECUTOR_START_FAILED',
          `starting container failed: exec: "${program}": executable file not found in $PATH`,
        );
      }
      // The lock file makes a second start (even from another daemon on this dir) a no-op.
      writeFileSync(dir.startLock, '', { flag: 'wx' });
      const { child, ready } = launch(plan, dir);
      const identity = child.pid === undefined ? undefined : identify(child.pid);
      if (identity === undefined) {
        throw new ShoalError(
          'EXECUTOR_START_FAILED',
          `starting container failed: could not spawn ${program}`,
        );
      }
      const run: RunRecord = { ...identity, startedAt: this.options.clock.now() };
      dir.writeJson(dir.run, run);
      this.options.logger.info('task process started', { task: taskId, pid: run.pid });
      const failure = await ready.then(
        () => untilExecd(run),
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      this.attach(dir, plan, run, child);
      if (failure !== undefined) {
        throw new ShoalError('EXECUTOR_START_FAILED', `starting container failed: ${failure}`);
      }
    });
  }

  status(taskId: string): Promise<TaskRuntimeStatus> {
    return Promise.resolve(this.observe(taskId));
  }

  async *watch(taskId: string, signal: AbortSignal): AsyncIterable<TaskRuntimeStatus> {
    let last: string | undefined;
    while (!signal.aborted && !this.closed) {
      const status = this.observe(taskId);
      const key = JSON.stringify(status);
      if (key !== last) {
        last = key;
        yield status;
      }
      if (status.state === 'exited' || status.state === 'absent') return;
      await this.nextChange(taskId, signal);
    }
  }

  stop(taskId: string, graceMs?: number): Promise<void> {
    return this.locks.run(taskId, () => this.stopLocked(taskId, graceMs));
  }

  remove(taskId: string): Promise<void> {
    return this.locks.run(taskId, async () => {
      const dir = this.taskDir(taskId);
      if (!existsSync(dir.root)) return;
      await this.stopLocked(taskId, undefined);
      this.supervisions.get(taskId)?.detach();
      this.supervisions.delete(taskId);
      rmSync(dir.root, { recursive: true, force: true });
      this.changes.emit(taskId);
    });
  }

  async *logs(
    taskId: string,
    options: TaskLogOptions,
    signal: AbortSignal,
  ): AsyncIterable<TaskLogEntry> {
    const dir = this.taskDir(taskId);
    const supervision = existsSync(dir.plan) ? this.supervise(taskId) : undefined;
    if (supervision !== undefined && !supervision.pump.isEnded) supervision.pump.drain(false);
    const stored = readStoredLogs(dir, options, this.options.logLimits?.maxFiles);
    // Subscribed in the same tick as the read above: nothing falls between the two.
    const live =
      options.follow && supervision !== undefined
        ? followPump(supervision.pump, signal)
        : undefined;
    for (const entry of stored) {
      if (signal.aborted) return;
      yield entry;
    }
    if (live !== undefined) yield* live;
  }

  close(): Promise<void> {
    this.closed = true;
    for (const supervision of this.supervisions.values()) {
      supervision.detach();
      supervision.pump.release();
    }
    this.supervisions.clear();
    this.changes.emit('close');
    return Promise.resolve();
  }

  private async stopLocked(taskId: string, graceMs: number | undefined): Promise<void> {
    const supervision = this.supervise(taskId);
    if (supervision === undefined || supervision.exited) return;
    await stopTask(supervision, graceMs ?? supervision.plan.stopGraceMs, this.options);
  }

  private observe(taskId: string): TaskRuntimeStatus {
    const dir = this.taskDir(taskId);
    if (!existsSync(dir.plan)) return { state: 'absent', health: 'none' };
    const supervision = this.supervise(taskId);
    if (supervision === undefined) {
      if (!existsSync(dir.startLock))
        return { state: 'created', health: 'none', containerId: taskId };
      return {
        state: 'exited',
        health: 'none',
        containerId: taskId,
        error: 'the task process was lost while it started (daemon crash)',
      };
    }
    supervision.check();
    const base = {
      containerId: taskId,
      pid: supervision.run.pid,
      health: supervision.healthStatus,
    };
    if (!supervision.exited) return { state: 'running', ...base };
    const exitCode = dir.readExitCode();
    return { state: 'exited', ...base, ...(exitCode === undefined ? {} : { exitCode }) };
  }

  /** The supervision of a started task, adopting it if this executor did not start it. */
  private supervise(taskId: string): TaskSupervision | undefined {
    const existing = this.supervisions.get(taskId);
    if (existing !== undefined) return existing;
    const dir = this.taskDir(taskId);
    const plan = dir.readJson<TaskPlan>(dir.plan);
    const run = dir.readJson<RunRecord>(dir.run);
    if (plan === undefined || run === undefined) return undefined;
    if (isAlive(run))
      this.options.logger.info('adopted running task process', { task: taskId, pid: run.pid });
    return this.attach(dir, plan, run);
  }

  private attach(
    dir: TaskDir,
    plan: TaskPlan,
    run: RunRecord,
    child?: ChildProcess,
  ): TaskSupervision {
    const supervision = new TaskSupervision(
      dir,
      plan,
      run,
      {
        clock: this.options.clock,
        logger: this.options.logger,
        pollMs: this.pollMs,
        logLimits: this.options.logLimits ?? DEFAULT_LOG_LIMITS,
        onChange: () => this.changes.emit(plan.taskId),
      },
      child,
    );
    this.supervisions.set(plan.taskId, supervision);
    supervision.begin();
    this.changes.emit(plan.taskId);
    return supervision;
  }

  private nextChange(taskId: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        cancel();
        this.changes.off(taskId, done);
        this.changes.off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      // A safety net: the poll inside the supervision normally reports first.
      const cancel = this.options.clock.setTimer(1_000, done);
      this.changes.on(taskId, done);
      this.changes.on('close', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private taskDir(taskId: string): TaskDir {
    if (!isSafeTaskId(taskId)) {
      throw new ShoalError('EXECUTOR_TASK_INVALID', `invalid task ID: ${taskId}`, { status: 400 });
    }
    return new TaskDir(this.tasksDir, taskId);
  }
}
