import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessIdentity } from './proc-stat.ts';

/** What `run.json` records once a task's supervisor process was spawned. */
export interface RunRecord extends ProcessIdentity {
  /** Clock time (ms) the process was started, for the healthcheck start period. */
  readonly startedAt: number;
}

/** What `health.json` records, so a new daemon resumes health where the old one left it. */
export interface HealthRecord {
  readonly status: 'starting' | 'healthy' | 'unhealthy';
  readonly failingStreak: number;
}

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether a task ID is safe to use as a directory name (no separators, no `..`). */
export function isSafeTaskId(taskId: string): boolean {
  return TASK_ID.test(taskId) && !taskId.includes('..');
}

/**
 * The files of one task under `<state dir>/tasks/<task id>/` (see README.md for the layout).
 * Small records are written by temp file and rename, so a crash leaves old or new, not half.
 */
export class TaskDir {
  readonly root: string;

  constructor(
    tasksDir: string,
    readonly taskId: string,
  ) {
    this.root = join(tasksDir, taskId);
  }

  get plan(): string {
    return join(this.root, 'task.json');
  }
  get run(): string {
    return join(this.root, 'run.json');
  }
  get startLock(): string {
    return join(this.root, 'start.lock');
  }
  get exit(): string {
    return join(this.root, 'exit');
  }
  get stdoutRaw(): string {
    return join(this.root, 'stdout.raw');
  }
  get stderrRaw(): string {
    return join(this.root, 'stderr.raw');
  }
  get log(): string {
    return join(this.root, 'log.json');
  }
  get pumpState(): string {
    return join(this.root, 'pump.json');
  }
  get health(): string {
    return join(this.root, 'health.json');
  }
  get sandbox(): string {
    return join(this.root, 'sandbox');
  }

  /** The parsed JSON at `path`, or `undefined` when it is missing or unreadable. */
  readJson<T>(path: string): T | undefined {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  /** Replaces `path` with `value` as JSON (temp file, then rename). */
  writeJson(path: string, value: unknown): void {
    const temp = `${path}.tmp`;
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, path);
  }

  /** The exit code the supervisor wrote, or `undefined` while it has written none. */
  readExitCode(): number | undefined {
    let text: string;
    try {
      text = readFileSync(this.exit, 'utf8').trim();
    } catch {
      return undefined;
    }
    return /^\d+$/.test(text) ? Number(text) : undefined;
  }
}
