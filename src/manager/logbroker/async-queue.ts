/**
 * An unbounded hand-off between a producer and one `for await` consumer. `push` never blocks;
 * {@link waitForRoom} lets a producer that can wait hold back while more than `highWater`
 * items are queued. `end()` finishes the iteration after the queued items; `end(error)`
 * rejects the next read with `error` at once. Leaving the loop (`return`) ends the queue and
 * drops what is queued.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T, undefined> {
  private items: T[] = [];
  private readonly readers: ((result: IteratorResult<T, undefined>) => void)[] = [];
  private readonly failers: ((error: unknown) => void)[] = [];
  private rooms: (() => void)[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;

  constructor(private readonly highWater = Number.POSITIVE_INFINITY) {}

  /** True once ended (by the producer or the consumer). */
  get closed(): boolean {
    return this.ended;
  }

  /** Items queued and not yet read. */
  get size(): number {
    return this.items.length;
  }

  /** Queues `item`; ignored once the queue has ended. */
  push(item: T): void {
    if (this.ended) return;
    const reader = this.readers.shift();
    if (reader) {
      this.failers.shift();
      reader({ value: item, done: false });
      return;
    }
    this.items.push(item);
  }

  /** Resolves once fewer than `highWater` items are queued, or the queue has ended. */
  waitForRoom(): Promise<void> {
    if (this.ended || this.items.length < this.highWater) return Promise.resolve();
    return new Promise((resolve) => this.rooms.push(resolve));
  }

  /** Ends the queue: readers see the queued items then `done`, or `error` at once when given. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (error !== undefined) {
      this.failure = { error };
      this.items = [];
      for (const fail of this.failers.splice(0)) fail(error);
      this.readers.length = 0;
    } else {
      for (const reader of this.readers.splice(0)) reader({ value: undefined, done: true });
      this.failers.length = 0;
    }
    this.releaseRooms();
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      if (this.items.length < this.highWater) this.releaseRooms();
      return Promise.resolve({ value, done: false });
    }
    // The producer's error is passed on as it was given (a ShoalError in practice).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.readers.push(resolve);
      this.failers.push(reject);
    });
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.items = [];
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private releaseRooms(): void {
    const rooms = this.rooms;
    this.rooms = [];
    for (const room of rooms) room();
  }
}
