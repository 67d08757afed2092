import { spawn } from 'node:child_process';
import type { CancelTimer, Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/logger.ts';
import type { HealthRecord } from './task-dir.ts';
import type { HealthSettings, TaskPlan } from './task-plan.ts';
import { envObject } from './task-plan.ts';

/**
 * The pure part of Docker's health logic: the record after one probe. A success makes the
 * task healthy; a failure counts toward `retries` unless the task is still in its start
 * period and has never been healthy; `retries` failures in a row make it unhealthy.
 */
export function nextHealth(
  current: HealthRecord,
  succeeded: boolean,
  inStartPeriod: boolean,
  retries: number,
): HealthRecord {
  if (succeeded) return { status: 'healthy', failingStreak: 0 };
  if (inStartPeriod && current.status !== 'healthy') return current;
  const failingStreak = current.failingStreak + 1;
  return { status: failingStreak >= retries ? 'unhealthy' : current.status, failingStreak };
}

/**
 * Runs one task's healthcheck: the first probe `intervalMs` after start (or after resuming),
 * then every `intervalMs` after the previous probe ended. A probe is the task's `Test` run
 * with the task's env, working dir and user; exit 0 passes, anything else or running past
 * `timeoutMs` (the probe's process group is then killed) fails. `onChange` receives every
 * record that differs from the previous one.
 */
export class HealthRunner {
  private timer: CancelTimer | undefined;
  private probe: ReturnType<typeof spawn> | undefined;
  private stopped = false;

  constructor(
    private readonly plan: TaskPlan,
    private readonly settings: HealthSettings,
    private record: HealthRecord,
    private readonly startedAt: number,
    private readonly deps: { clock: Clock; logger: Logger },
    private readonly onChange: (record: HealthRecord) => void,
  ) {}

  /** The latest health record. */
  get current(): HealthRecord {
    return this.record;
  }

  /** Schedules the first probe. */
  start(): void {
    this.schedule();
  }

  /** Cancels the next probe and kills one in flight. */
  stop(): void {
    this.stopped = true;
    this.timer?.();
    this.timer = undefined;
    this.killProbe();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimer(this.settings.intervalMs, () => {
      void this.runProbe().then((ok) => this.afterProbe(ok));
    });
  }

  private afterProbe(succeeded: boolean): void {
    if (this.stopped) return;
    const inStartPeriod = this.deps.clock.now() - this.startedAt < this.settings.startPeriodMs;
    const next = nextHealth(this.record, succeeded, inStartPeriod, this.settings.retries);
    const changed =
      next.status !== this.record.status || next.failingStreak !== this.record.failingStreak;
    this.record = next;
    if (changed) this.onChange(next);
    this.schedule();
  }

  private runProbe(): Promise<boolean> {
    const [command = '', ...args] = this.settings.argv;
    return new Promise((resolve) => {
      const child = spawn(command, args, {
        cwd: this.plan.cwd,
        env: envObject(this.plan.env),
        detached: true,
        stdio: 'ignore',
        ...(this.plan.runAs === undefined
          ? {}
          : { uid: this.plan.runAs.uid, gid: this.plan.runAs.gid }),
      });
      this.probe = child;
      const cancelTimeout = this.deps.clock.setTimer(this.settings.timeoutMs, () => {
        this.deps.logger.debug('healthcheck probe timed out', { task: this.plan.taskId });
        this.killProbe();
      });
      const finish = (ok: boolean): void => {
        cancelTimeout();
        this.probe = undefined;
        resolve(ok);
      };
      child.once('error', () => finish(false));
      child.once('exit', (code) => finish(code === 0));
    });
  }

  private killProbe(): void {
    const pid = this.probe?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
