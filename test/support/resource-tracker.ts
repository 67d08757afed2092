import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';

/** Something a test started that must be gone when the test file ends. */
interface Tracked {
  readonly label: string;
  readonly dispose: () => Promise<void>;
}

/**
 * Registers everything a test starts (child processes, servers, temp dirs) and disposes of
 * it in reverse order in `after()`. `assertClean()` fails if a tracked child process is still
 * alive after disposal, so a leak shows up in the test that caused it.
 */
export class ResourceTracker {
  private readonly items: Tracked[] = [];
  private readonly children = new Set<ChildProcess>();

  /** Tracks a child process: SIGTERM on dispose, SIGKILL if it has not exited within `graceMs`. */
  process(child: ChildProcess, label: string, graceMs = 5_000): ChildProcess {
    this.children.add(child);
    this.items.push({
      label,
      dispose: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    });
    return child;
  }

  /** Tracks a temp dir, removed recursively on dispose. */
  dir(path: string): string {
    this.items.push({ label: path, dispose: () => rm(path, { recursive: true, force: true }) });
    return path;
  }

  /** Tracks anything with an async dispose step (servers, daemons in this process). */
  add(label: string, dispose: () => Promise<void>): void {
    this.items.push({ label, dispose });
  }

  /** Disposes everything, newest first; errors are collected and thrown together at the end. */
  async dispose(): Promise<void> {
    const errors: unknown[] = [];
    while (this.items.length > 0) {
      const item = this.items.pop()!;
      await item
        .dispose()
        .catch((err: unknown) => errors.push(new Error(`${item.label}: ${String(err)}`)));
    }
    if (errors.length > 0)
      throw new AggregateError(errors, 'some test resources failed to dispose');
  }

  /** Throws if a tracked child process is still running. Call after {@link dispose}. */
  assertClean(): void {
    const alive = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    if (alive.length > 0) {
      throw new Error(`leaked child processes: ${alive.map((c) => c.pid).join(', ')}`);
    }
  }
}
