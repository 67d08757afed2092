import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../../src/agent/exec/process/proc-stat.ts';
import type { ProcessIdentity } from '../../src/agent/exec/process/proc-stat.ts';

/** Where the process executor of a daemon started on `daemonDir` keeps its tasks. */
export function taskStateDir(daemonDir: string): string {
  return join(daemonDir, 'data', 'executor', 'process', 'tasks');
}

/**
 * The task processes the process executor of the daemon on `daemonDir` started that still
 * run, by task ID: their `run.json` identity (pid and start time) checked against `/proc`,
 * so a recycled pid never counts. Empty when the daemon never ran a task.
 */
export async function liveTaskProcesses(daemonDir: string): Promise<Map<string, ProcessIdentity>> {
  const root = taskStateDir(daemonDir);
  const live = new Map<string, ProcessIdentity>();
  const ids = await readdir(root).catch(() => [] as string[]);
  for (const id of ids) {
    const text = await readFile(join(root, id, 'run.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      const run = JSON.parse(text) as ProcessIdentity;
      if (isAlive(run)) live.set(id, run);
    } catch {
      // A half-written record: its task never reached exec, so nothing runs.
    }
  }
  return live;
}

/**
 * SIGKILLs the process group of every task still running from `daemonDir`: task supervisors
 * are detached and outlive their daemon by design, so a test cluster must end them itself,
 * after its daemons are gone and before their dirs are removed.
 */
export async function reapTaskProcesses(daemonDir: string): Promise<void> {
  for (const run of (await liveTaskProcesses(daemonDir)).values()) {
    try {
      process.kill(-run.pid, 'SIGKILL');
    } catch {
      // Gone between the check and the kill.
    }
  }
}
