import type { Clock } from '../../../base/clock.ts';
import { ShoalError } from '../../../base/errors.ts';
import type { Logger } from '../../../base/logger.ts';
import { isAlive } from './proc-stat.ts';
import type { TaskSupervision } from './task-supervision.ts';

/** How long to wait for the kernel to reap a SIGKILLed group before giving up. */
const KILL_WAIT_MS = 10_000;

function signalGroup(supervision: TaskSupervision, signal: NodeJS.Signals): void {
  // Checked first so that a recycled pid of another process group is never signalled.
  if (!isAlive(supervision.run)) return;
  try {
    process.kill(-supervision.run.pid, signal);
  } catch {
    // Exited between the check and the kill.
  }
}

function exitWithin(supervision: TaskSupervision, ms: number, clock: Clock): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = clock.setTimer(ms, () => resolve(false));
    void supervision.waitExit().then(() => {
      cancel();
      resolve(true);
    });
  });
}

/**
 * Stops a running task: its stop signal to the whole process group, then SIGKILL when it has
 * not exited within `graceMs`. Resolves once it has exited; rejects if even SIGKILL did not
 * end it within 10 s (a process stuck in the kernel).
 */
export async function stopTask(
  supervision: TaskSupervision,
  graceMs: number,
  deps: { clock: Clock; logger: Logger },
): Promise<void> {
  signalGroup(supervision, supervision.plan.stopSignal);
  supervision.check();
  if (await exitWithin(supervision, graceMs, deps.clock)) return;
  deps.logger.info('task did not stop within its grace period; killing it', {
    task: supervision.plan.taskId,
    graceMs,
  });
  signalGroup(supervision, 'SIGKILL');
  supervision.check();
  if (!(await exitWithin(supervision, KILL_WAIT_MS, deps.clock))) {
    throw new ShoalError(
      'EXECUTOR_STOP_FAILED',
      `task ${supervision.plan.taskId} did not exit after SIGKILL`,
    );
  }
}
