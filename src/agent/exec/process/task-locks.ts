/**
 * Serialises the operations on one task (prepare, start, stop, remove) so that concurrent
 * calls from the worker run one after the other; different tasks never wait on each other.
 * A failed operation does not block the next one.
 */
export class TaskLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` once every earlier operation on `taskId` has settled. */
  run<T>(taskId: string, fn: () => T | Promise<T>): Promise<T> {
    const previous = this.tails.get(taskId) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.tails.set(taskId, settled);
    void settled.then(() => {
      if (this.tails.get(taskId) === settled) this.tails.delete(taskId);
    });
    return next;
  }
}
