import type { ShoalError } from '../base/errors.ts';
import { watchOverflow } from './store-errors.ts';
import type { StoreEvent } from './store-event.ts';
import type { StoreObject } from './store-object.ts';
import type { TableSpec } from './table-spec.ts';

/** Undelivered events a watcher may hold before it is closed, unless the watch says otherwise. */
export const DEFAULT_WATCH_QUEUE_LIMIT = 10_000;

/** Which events a watch receives. Every field narrows; none given means every event. */
export interface WatchOptions {
  /** Only changes of these tables (`committed` markers still pass). */
  readonly tables?: readonly TableSpec<StoreObject>[];
  /** Only these kinds of event. */
  readonly kinds?: readonly ('created' | 'updated' | 'deleted' | 'committed')[];
  /** Only events this predicate accepts; it runs on the apply path, so keep it cheap. */
  readonly filter?: (event: StoreEvent) => boolean;
  /** Undelivered events allowed before the watcher is closed. Default {@link DEFAULT_WATCH_QUEUE_LIMIT}. */
  readonly queueLimit?: number;
}

/** The predicate a watch's options describe; `restored` always passes. */
export function watchPredicate(options: WatchOptions): (event: StoreEvent) => boolean {
  const tables = options.tables && new Set(options.tables.map((t) => t.name));
  const kinds = options.kinds && new Set<string>(options.kinds);
  const filter = options.filter;
  return (event) => {
    if (event.kind === 'restored') return true;
    if (kinds && !kinds.has(event.kind)) return false;
    if (tables && event.kind !== 'committed' && !tables.has(event.table)) return false;
    return filter ? filter(event) : true;
  };
}

interface Waiter {
  readonly resolve: (result: IteratorResult<StoreEvent, undefined>) => void;
  readonly reject: (error: ShoalError) => void;
}

/**
 * A stream of store events, consumed with `for await` or `next()`. Delivery never blocks the
 * store: events queue here until read. When more than `queueLimit` are waiting, the
 * subscription fails: its queue is dropped, `error` is set to a `STORE_WATCH_OVERFLOW`
 * ShoalError and every later `next()` rejects with it, so the consumer re-reads the store
 * and watches again (level-triggered). `close()` (or leaving a `for await` loop) ends it: a
 * pending and every later `next()` resolve `done`, and undelivered events are dropped.
 */
export class Subscription implements AsyncIterableIterator<StoreEvent, undefined> {
  private queue: StoreEvent[] = [];
  private head = 0;
  private readonly waiters: Waiter[] = [];
  private state: 'open' | 'closed' | 'failed' = 'open';
  private failure: ShoalError | undefined;

  /**
   * Made by the store's `watch`; `detach` unregisters it from the store and is called once,
   * when it closes or fails.
   */
  constructor(
    private readonly accepts: (event: StoreEvent) => boolean,
    private readonly queueLimit: number,
    private readonly detach: (subscription: Subscription) => void,
  ) {}

  /** True once closed or failed. */
  get closed(): boolean {
    return this.state !== 'open';
  }

  /** The overflow error, once the subscription has failed. */
  get error(): ShoalError | undefined {
    return this.failure;
  }

  /** Events queued and not yet read. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Offers an event; called by the store on its apply path, never blocks. */
  deliver(event: StoreEvent): void {
    if (this.state !== 'open' || !this.accepts(event)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ value: event, done: false });
      return;
    }
    this.queue.push(event);
    if (this.pending > this.queueLimit) this.fail(watchOverflow(this.queueLimit));
  }

  next(): Promise<IteratorResult<StoreEvent, undefined>> {
    if (this.state === 'failed') return Promise.reject(this.failure!);
    if (this.head < this.queue.length) {
      const value = this.queue[this.head++]!;
      // Compact now and then so a long-lived watcher does not keep every event it has read.
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.state === 'closed') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Ends the subscription (what `for await` calls on `break`). */
  return(): Promise<IteratorResult<StoreEvent, undefined>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Stops delivery and drops undelivered events; harmless to call twice. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.queue = [];
    this.head = 0;
    this.detach(this);
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private fail(error: ShoalError): void {
    this.state = 'failed';
    this.failure = error;
    this.queue = [];
    this.head = 0;
    this.detach(this);
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
