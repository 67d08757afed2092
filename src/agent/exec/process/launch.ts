import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, openSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessIdentity } from './proc-stat.ts';
import { hasExecdChild, isAlive } from './proc-stat.ts';
import type { TaskPlan } from './task-plan.ts';
import { envObject } from './task-plan.ts';
import type { TaskDir } from './task-dir.ts';

/**
 * The supervisor: a POSIX shell that runs the task's argv as its foreground child (`"$@"`,
 * never re-parsed by the shell), then writes the child's exit status to fd 3 (the task's
 * `exit` file). It traps the stop signal and the usual termination signals only to outlive
 * its child long enough to record the status; caught traps are reset to default in the child,
 * so the task sees its signals as usual. Only SIGKILL of the whole group leaves `exit` empty.
 * Once its traps are set it writes a byte to fd 4, a pipe to the daemon, and closes it: a stop
 * signal sent before that would kill the supervisor itself and lose the exit status.
 */
function supervisorScript(signals: readonly number[]): string {
  return `trap : ${signals.join(' ')}; echo >&4; exec 4>&-; "$@" 3>&-; echo $? >&3`;
}

const TRAPPED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];

/**
 * The full path of `program` as `execvp` would find it with the task's PATH, or `undefined`
 * when there is no such executable. Checked before spawning so that a typo fails the task
 * with Docker's words instead of an exit status 127.
 */
export function findExecutable(program: string, path: string): string | undefined {
  const candidates = program.includes('/')
    ? [program]
    : path
        .split(delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next PATH entry.
    }
  }
  return undefined;
}

/** A spawned supervisor and the moment it is ready for signals. */
export interface Launched {
  readonly child: ChildProcess;
  /** Resolves once the supervisor's traps are set; rejects if it died or failed first. */
  readonly ready: Promise<void>;
}

function readiness(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const pipe = child.stdio[4];
    if (pipe === null || pipe === undefined) {
      reject(new Error('no readiness pipe'));
      return;
    }
    let signalled = false;
    child.once('error', (err) => reject(err));
    pipe.on('data', () => (signalled = true));
    // The pipe closes when the supervisor closes its end (ready) or dies (not ready).
    pipe.once('close', () => {
      if (signalled) resolve();
      else reject(new Error('the supervisor exited before it was ready'));
    });
  });
}

/**
 * Spawns the task's supervisor detached in a new session (so it is its own process group and
 * survives the daemon), with stdout and stderr appended to the raw spool files, fd 3 on the
 * exit file and fd 4 a readiness pipe. The child is unref'd: the daemon may exit while it runs.
 */
export function launch(plan: TaskPlan, dir: TaskDir): Launched {
  const signals = [...new Set([plan.stopSignal, ...TRAPPED])]
    .filter((name) => name !== 'SIGKILL' && name !== 'SIGSTOP')
    .map((name) => constants.signals[name]);
  const out = openSync(dir.stdoutRaw, 'a');
  const err = openSync(dir.stderrRaw, 'a');
  const exit = openSync(dir.exit, 'w');
  try {
    const child = spawn('/bin/sh', ['-c', supervisorScript(signals), 'shoal-task', ...plan.argv], {
      cwd: plan.cwd,
      env: envObject(plan.env),
      detached: true,
      stdio: ['ignore', out, err, exit, 'pipe'],
      ...(plan.runAs === undefined ? {} : { uid: plan.runAs.uid, gid: plan.runAs.gid }),
    });
    child.unref();
    const ready = readiness(child);
    ready.catch(() => undefined);
    return { child, ready };
  } finally {
    closeSync(out);
    closeSync(err);
    closeSync(exit);
  }
}

/**
 * Waits (up to 5 s) until the supervisor has forked and exec'd the task, so that a stop
 * signal sent right after `start` reaches the task rather than only the supervisor's trap.
 * Resolves early when the supervisor has already exited.
 */
export async function untilExecd(run: ProcessIdentity): Promise<undefined> {
  for (let waited = 0; waited < 5_000; waited += 2) {
    if (hasExecdChild(run.pid) !== false || !isAlive(run)) return undefined;
    await sleep(2);
  }
  return undefined;
}
