import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { CancelTimer, Clock } from '../../../base/clock.ts';
import type { Logger } from '../../../base/logger.ts';
import type { TaskHealth } from '../executor.ts';
import { HealthRunner } from './health-runner.ts';
import type { LogLimits } from './log-pump.ts';
import { LogPump } from './log-pump.ts';
import { isAlive, readProcStat } from './proc-stat.ts';
import type { HealthRecord, RunRecord, TaskDir } from './task-dir.ts';
import type { TaskPlan } from './task-plan.ts';

/** Exit status recorded when the supervisor itself was killed (SIGKILL): 128 + 9. */
export const KILLED_EXIT_CODE = 137;

/** Dependencies of a {@link TaskSupervision}. */
export interface SupervisionDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pollMs: number;
  readonly logLimits: LogLimits;
  /** Called whenever the task's state or health changes. */
  readonly onChange: () => void;
}

/**
 * This daemon's watch over one started task, whether it spawned the process or adopted it
 * from an earlier run: it pumps the output to `log.json`, runs the healthcheck, and notices
 * the exit (through the child's `exit` event when it is ours, else by polling `/proc`). On
 * exit it records status 137 if the supervisor died without writing one, kills whatever is
 * left in the task's process group (as a container's end takes its processes with it),
 * drains the last output and stops the healthcheck.
 */
export class TaskSupervision {
  readonly pump: LogPump;
  private health: HealthRunner | undefined;
  private poll: CancelTimer | undefined;
  private exitedFlag = false;
  private readonly exitWaiters: (() => void)[] = [];

  constructor(
    readonly dir: TaskDir,
    readonly plan: TaskPlan,
    readonly run: RunRecord,
    private readonly deps: SupervisionDeps,
    child?: ChildProcess,
  ) {
    this.pump = new LogPump(dir, deps.clock, deps.logLimits);
    child?.once('exit', () => this.check());
  }

  /** Whether the task's process has exited (and this supervision has finished). */
  get exited(): boolean {
    return this.exitedFlag;
  }

  /** The task's health as the runner last saw it (`none` without a healthcheck). */
  get healthStatus(): TaskHealth {
    if (this.plan.health === undefined) return 'none';
    return (this.health?.current ?? this.storedHealth()).status;
  }

  /** Begins supervising: at once finishes when the process is already gone. */
  begin(): void {
    if (!isAlive(this.run)) {
      this.finish();
      return;
    }
    this.pump.start();
    if (this.plan.health !== undefined) {
      this.health = new HealthRunner(
        this.plan,
        this.plan.health,
        this.storedHealth(),
        this.run.startedAt,
        this.deps,
        (record) => {
          this.dir.writeJson(this.dir.health, record);
          this.deps.onChange();
        },
      );
      this.health.start();
    }
    this.schedulePoll();
  }

  /** Resolves once the process has exited. */
  waitExit(): Promise<void> {
    if (this.exitedFlag) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Re-checks liveness now (after sending a signal, or on the child's exit event). */
  check(): void {
    if (!this.exitedFlag && !isAlive(this.run)) this.finish();
  }

  /** Stops watching without touching the process (daemon shutdown). */
  detach(): void {
    this.poll?.();
    this.poll = undefined;
    this.health?.stop();
    this.pump.stop();
  }

  private schedulePoll(): void {
    this.poll = this.deps.clock.setTimer(this.deps.pollMs, () => {
      this.check();
      if (!this.exitedFlag) this.schedulePoll();
    });
  }

  private storedHealth(): HealthRecord {
    return (
      this.dir.readJson<HealthRecord>(this.dir.health) ?? { status: 'starting', failingStreak: 0 }
    );
  }

  private finish(): void {
    this.exitedFlag = true;
    this.detach();
    if (this.dir.readExitCode() === undefined) {
      try {
        writeFileSync(this.dir.exit, `${KILLED_EXIT_CODE}\n`);
      } catch {
        // The task dir is being removed.
      }
    }
    this.killLeftovers();
    try {
      this.pump.drain(true);
    } catch (err) {
      this.deps.logger.debug('final log drain failed', {
        task: this.plan.taskId,
        err: String(err),
      });
    }
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    this.deps.onChange();
  }

  /**
   * Kills processes the task left in its group. Skipped when the pid now belongs to another
   * process: the group ID is then not ours to signal.
   */
  private killLeftovers(): void {
    const stat = readProcStat(this.run.pid);
    if (stat !== undefined && stat.startTicks !== this.run.startTicks) return;
    try {
      process.kill(-this.run.pid, 'SIGKILL');
    } catch {
      // The group is empty: nothing was left behind.
    }
  }
}
