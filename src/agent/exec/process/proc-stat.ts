import { readFileSync } from 'node:fs';

/** A process as recorded when it was started: its pid and its kernel start time. */
export interface ProcessIdentity {
  readonly pid: number;
  /** Field 22 of `/proc/<pid>/stat` (clock ticks since boot), as a decimal string. */
  readonly startTicks: string;
}

/**
 * Field 22 (`starttime`) of `/proc/<pid>/stat` and the process state letter, or `undefined`
 * when the process does not exist. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted from the last `)`.
 */
export function readProcStat(pid: number): { startTicks: string; state: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, starttime field 22, so indexes 0 and 19 here.
  const state = fields[0];
  const startTicks = fields[19];
  if (state === undefined || startTicks === undefined) return undefined;
  return { startTicks, state };
}

/** The identity of a live process, for recording right after it was spawned. */
export function identify(pid: number): ProcessIdentity | undefined {
  const stat = readProcStat(pid);
  return stat === undefined ? undefined : { pid, startTicks: stat.startTicks };
}

/**
 * Whether the recorded process still runs: the pid exists, is not a zombie, and started at
 * the recorded time (so a recycled pid of another process never passes for it).
 */
export function isAlive(identity: ProcessIdentity): boolean {
  const stat = readProcStat(identity.pid);
  if (stat === undefined) return false;
  return stat.startTicks === identity.startTicks && stat.state !== 'Z' && stat.state !== 'X';
}

function cmdline(pid: number | string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether the supervisor `pid` has a child that has already exec'd (its command line differs
 * from the supervisor's): from then on a signal to the group reaches the task itself.
 * `undefined` when the kernel offers no `/proc/<pid>/task/<pid>/children`.
 */
export function hasExecdChild(pid: number): boolean | undefined {
  let children: string;
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return undefined;
  }
  const own = cmdline(pid);
  return children
    .split(' ')
    .filter((child) => child !== '' && child !== '\n')
    .some((child) => {
      const line = cmdline(child.trim());
      return line !== undefined && line !== '' && line !== own;
    });
}
