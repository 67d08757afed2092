import { InvariantError } from '../base/errors.ts';
import type { StoreReader } from './store-reader.ts';
import type { Transaction } from './transaction.ts';

/** What a {@link Batch} needs from its store. */
export interface BatchHost {
  /** A new, empty transaction whose reads fall through to `base` (the store by default). */
  newTransaction(base?: StoreReader): Transaction;
  /** Proposes `tx` and resolves with its index once applied here; rejects as `update` does. */
  commit(tx: Transaction): Promise<number>;
}

/** Limits a batch splits at: a transaction gets no more changes or encoded bytes than these. */
export interface BatchLimits {
  readonly maxChanges: number;
  readonly maxBytes: number;
}

/**
 * Many writes spread over as few transactions as the limits allow (swarmkit's `Batch`).
 * Each `update` callback's writes stay together in one transaction, and later callbacks
 * read the writes of earlier ones. When a callback's writes would push the open transaction
 * past `maxChanges` or `maxBytes`, the open transaction is committed first; a single callback
 * writing more than the limits allow still goes out as one transaction (so keep callbacks
 * small). Only each transaction is all or nothing, not the batch.
 *
 * Await every `update` before the next: calls must not overlap.
 */
export class Batch {
  private current: Transaction;
  private committedCount = 0;

  constructor(
    private readonly host: BatchHost,
    private readonly limits: BatchLimits,
  ) {
    this.current = host.newTransaction();
  }

  /** Transactions committed so far. */
  get transactions(): number {
    return this.committedCount;
  }

  /**
   * Runs `fn` on a transaction over the batch's pending writes and adds its writes to the
   * batch. If `fn` throws, its writes are dropped and the error propagates; rejects too if a
   * transaction this call committed failed.
   */
  async update(fn: (tx: Transaction) => void | Promise<void>): Promise<void> {
    const parent = this.current;
    const child = this.host.newTransaction(parent);
    await fn(child);
    if (this.current !== parent) {
      throw new InvariantError(
        'store-batch-sequential',
        'batch.update calls overlapped; await each one',
      );
    }
    if (child.size === 0) return;
    const { maxChanges, maxBytes } = this.limits;
    if (
      parent.size > 0 &&
      (parent.size + child.size > maxChanges || parent.bytes + child.bytes + 1 > maxBytes)
    ) {
      // The child read the parent's pending objects; once the parent commits, those objects
      // carry its index as their version, so the child's checks must expect that index.
      const keys = parent.writtenKeys();
      const index = await this.flush();
      this.current.absorb(child, { keys, index });
      return;
    }
    parent.absorb(child);
  }

  /** Commits the open transaction, if it holds anything; resolves with its index. */
  async flush(): Promise<number> {
    const tx = this.current;
    this.current = this.host.newTransaction();
    if (tx.size === 0) return 0;
    const index = await this.host.commit(tx);
    this.committedCount++;
    return index;
  }
}
