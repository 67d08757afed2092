import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A child process whose stdout is collected line by line. */
export interface CrashChild {
  /** Complete lines printed so far (a line cut by the kill is left out). */
  readonly lines: string[];
  /** Resolves once a line satisfies `match`; rejects if the child exits or `timeoutMs` passes. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** SIGKILLs the child and resolves once it is gone and its stdout is drained. */
  kill(): Promise<void>;
}

/** Every child spawned, so that `after()` can kill any a failing test left behind. */
const live = new Set<ChildProcess>();

/**
 * Runs `script` (a path relative to the repository root) under tsx with `args`. Stderr is
 * collected and attached to errors, so a child that crashes on its own explains why.
 */
export function spawnCrashChild(script: string, args: readonly string[]): CrashChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => {
      live.delete(child);
      for (const wake of waiters) wake();
      resolve();
    });
  });
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;

  return {
    lines,
    waitForLine(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no matching line within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = (): void => {
          const found = lines.find(match);
          if (found !== undefined) finish(undefined, found);
          else if (exited())
            finish(new Error(`child exited (${child.exitCode ?? child.signalCode})`));
        };
        const finish = (error: Error | undefined, line?: string): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(new Error(`${error.message}; stderr:\n${stderr}`));
          else resolve(line!);
        };
        waiters.add(check);
        check();
      });
    },
    async kill() {
      if (!exited()) child.kill('SIGKILL');
      await closed;
      if (child.signalCode !== 'SIGKILL') {
        throw new Error(
          `child ended by itself (${child.exitCode ?? child.signalCode}); stderr:\n${stderr}`,
        );
      }
    },
  };
}

/** SIGKILLs every child still running; for `after()`. */
export function killAllCrashChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Resolves after `ms` of wall-clock time: the random moment at which a child is killed. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
