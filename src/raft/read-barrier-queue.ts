import { abortReason } from './abort-signal.ts';
import type { ReadState } from './core/types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface BarrierWaiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface Batch {
  readonly ctx: string;
  readonly waiters: BarrierWaiter[];
  ticks: number;
}

/**
 * Linearizable read barriers on top of the core's ReadIndex, batched: at most one ReadIndex
 * request is in flight; callers that arrive meanwhile share the next request. A caller only
 * joins a request issued after it arrived, so the read index it gets covers every write
 * committed before its call. Once a request's ReadState comes back, its callers wait until
 * the node has applied that index.
 *
 * The owner calls {@link ReadBarrierQueue.onReadState} for each ReadState of a Ready,
 * {@link ReadBarrierQueue.onApplied} after applying, and {@link ReadBarrierQueue.tick} on
 * every tick (a request lost with a leader change is re-issued after `retryTicks`).
 */
export class ReadBarrierQueue {
  private next: BarrierWaiter[] = [];
  private inFlight: Batch | undefined;
  /** Batches whose read index is known, in the order their ReadStates arrived. */
  private readonly waitingApply: { index: number; waiters: BarrierWaiter[] }[] = [];
  private counter = 0;

  /**
   * @param prefix  makes request contexts unique across members and incarnations
   * @param issue   sends a ReadIndex request with this context; throws if the core refuses
   */
  constructor(
    private readonly prefix: string,
    private readonly issue: (ctx: Uint8Array) => void,
    private readonly retryTicks: number,
  ) {}

  /**
   * Waits for a read index that covers everything committed before this call, then for its
   * apply. If `signal` aborts first, rejects with its reason (the request itself carries on
   * for the callers sharing it).
   */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      if (!signal) {
        this.next.push({ resolve, reject });
      } else {
        const onAbort = (): void => reject(abortReason(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = (): void => signal.removeEventListener('abort', onAbort);
        this.next.push({
          resolve: () => (settle(), resolve()),
          reject: (error) => (settle(), reject(error)),
        });
      }
      if (!this.inFlight) this.send();
    });
  }

  /** Hands over one ReadState of a Ready; states for other contexts are ignored. */
  onReadState(state: ReadState, applied: number): void {
    const batch = this.inFlight;
    if (!batch || decoder.decode(state.requestCtx) !== batch.ctx) return;
    this.inFlight = undefined;
    this.waitingApply.push({ index: state.index, waiters: batch.waiters });
    this.onApplied(applied);
    if (this.next.length > 0) this.send();
  }

  /** Resolves every caller whose read index is at or below `applied`. */
  onApplied(applied: number): void {
    if (this.waitingApply.length === 0) return;
    let kept = 0;
    for (const entry of this.waitingApply) {
      if (entry.index <= applied) for (const w of entry.waiters) w.resolve();
      else this.waitingApply[kept++] = entry;
    }
    this.waitingApply.length = kept;
  }

  /** Counts a tick; re-issues an unanswered request after `retryTicks`. */
  tick(): void {
    const batch = this.inFlight;
    if (!batch || ++batch.ticks < this.retryTicks) return;
    // A fresh context, so a late answer to the old one cannot be mistaken for this one; it
    // would be valid anyway, being issued after every waiter arrived.
    this.inFlight = undefined;
    this.next = batch.waiters.concat(this.next);
    this.send();
  }

  /** Rejects every waiting caller. */
  failAll(error: Error): void {
    const all = [
      ...this.next,
      ...(this.inFlight?.waiters ?? []),
      ...this.waitingApply.flatMap((e) => e.waiters),
    ];
    this.next = [];
    this.inFlight = undefined;
    this.waitingApply.length = 0;
    for (const w of all) w.reject(error);
  }

  private send(): void {
    const waiters = this.next;
    this.next = [];
    const ctx = `${this.prefix}:${++this.counter}`;
    this.inFlight = { ctx, waiters, ticks: 0 };
    try {
      this.issue(encoder.encode(ctx));
    } catch (error) {
      this.inFlight = undefined;
      for (const w of waiters) w.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
