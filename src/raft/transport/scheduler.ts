/** Runs a callback later, never synchronously inside the call that schedules it. */
export type Scheduler = (task: () => void) => void;

/**
 * The default {@link Scheduler} of the in-process transport: one `setImmediate` per task, so
 * deliveries interleave with I/O and timers the way socket reads do.
 */
export const immediateScheduler: Scheduler = (task) => {
  setImmediate(task);
};

/**
 * A {@link Scheduler} for deterministic tests: tasks wait in a FIFO queue until the test
 * runs them with {@link ManualScheduler.runOne} or {@link ManualScheduler.runAll}. Tasks
 * scheduled by a running task join the back of the queue.
 */
export class ManualScheduler {
  private queue: (() => void)[] = [];

  /** Pass this to components that take a {@link Scheduler}; it is bound to this instance. */
  readonly schedule: Scheduler = (task) => {
    this.queue.push(task);
  };

  /** Number of tasks waiting. */
  get pending(): number {
    return this.queue.length;
  }

  /** Runs the oldest waiting task; returns false when there was none. */
  runOne(): boolean {
    const task = this.queue.shift();
    if (!task) return false;
    task();
    return true;
  }

  /**
   * Runs tasks, including those they schedule, until none is left. Throws after `limit`
   * tasks so a livelock (two members bouncing messages forever) fails a test instead of
   * hanging it. Returns the number of tasks run.
   */
  runAll(limit = 100_000): number {
    let ran = 0;
    while (this.runOne()) {
      if (++ran >= limit)
        throw new Error(`ManualScheduler.runAll: still busy after ${limit} tasks`);
    }
    return ran;
  }
}
