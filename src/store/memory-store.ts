import { randomBytes } from 'node:crypto';
import type { Clock } from '../base/clock.ts';
import { SystemClock } from '../base/clock.ts';
import { InvariantError, ShoalError } from '../base/errors.ts';
import type { Logger } from '../base/logger.ts';
import { silentLogger } from '../base/logger.ts';
import type { StateMachine } from '../raft/state-machine.ts';
import { applyChangeset } from './apply-changeset.ts';
import { Batch } from './batch.ts';
import { decodeChangeset, encodeChangeset } from './changeset.ts';
import type { Proposer } from './proposer.ts';
import { requestTooLarge } from './store-errors.ts';
import type { ObjectChanged } from './store-event.ts';
import type { StoreObject } from './store-object.ts';
import type { FindQuery, StoreReader } from './store-reader.ts';
import type { WatchOptions } from './subscription.ts';
import { DEFAULT_WATCH_QUEUE_LIMIT } from './subscription.ts';
import type { Subscription } from './subscription.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot-image.ts';
import type { TableSpec } from './table-spec.ts';
import { TableState } from './table-state.ts';
import { Transaction } from './transaction.ts';
import { WatchHub } from './watch-hub.ts';

/** Largest encoded transaction the store proposes (swarmkit's limit): 1.5 MiB. */
export const MAX_TRANSACTION_BYTES = 1.5 * 1024 * 1024;
/** Most changes a {@link Batch} puts in one transaction (swarmkit's `MaxChangesPerTransaction`). */
export const MAX_CHANGES_PER_TRANSACTION = 200;

/** How a store is built; every replica of one store must be given the same `tables`. */
export interface MemoryStoreOptions {
  /** The tables, each name once. */
  readonly tables: readonly TableSpec<StoreObject>[];
  /**
   * Replicates transactions (a RaftNode). Without one, transactions apply at once on this
   * store with a local index counter (swarmkit's `NewMemoryStore(nil)`), for tests and tools.
   */
  readonly proposer?: Proposer;
  /** Default {@link MAX_TRANSACTION_BYTES}. */
  readonly maxTransactionBytes?: number;
  /** Default {@link MAX_CHANGES_PER_TRANSACTION}. */
  readonly maxChangesPerTransaction?: number;
  /** Default queue limit of watchers; see {@link Subscription}. */
  readonly watchQueueLimit?: number;
}

/** Injected services; all optional. */
export interface MemoryStoreDeps {
  /** Read once per transaction, by the proposer, for `createdAt`/`updatedAt`. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

interface Outcome {
  readonly resolve: (index: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The replicated object store: typed tables with indexes, versioned all-or-nothing
 * transactions, change events, snapshots. It is the Raft {@link StateMachine}: writes are
 * encoded and proposed through the {@link Proposer}, and every replica validates and applies
 * them in `apply`, so all replicas decide the same.
 *
 * Reads (see {@link StoreReader}) return deeply frozen objects shared with the store; never
 * mutate them, copy to change. Reads reflect everything applied on this replica, which may
 * trail the leader.
 */
export class MemoryStore implements StateMachine, StoreReader {
  private tables: Map<string, TableState<StoreObject>>;
  private readonly specs: ReadonlyMap<string, TableSpec<StoreObject>>;
  private readonly proposer: Proposer | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly maxBytes: number;
  private readonly maxChanges: number;
  private readonly watchers: WatchHub;
  private readonly outcomes = new Map<string, Outcome>();
  private readonly txPrefix = randomBytes(6).toString('hex');
  private txSeq = 0;
  private appliedIndex = 0;

  constructor(options: MemoryStoreOptions, deps: MemoryStoreDeps = {}) {
    const specs = new Map<string, TableSpec<StoreObject>>();
    for (const spec of options.tables) {
      if (specs.has(spec.name))
        throw new InvariantError('store-unique-table', `table ${spec.name} declared twice`);
      specs.set(spec.name, spec);
    }
    this.specs = specs;
    this.tables = new Map(options.tables.map((spec) => [spec.name, new TableState(spec)] as const));
    this.proposer = options.proposer;
    this.clock = deps.clock ?? new SystemClock();
    this.logger = deps.logger ?? silentLogger;
    this.maxBytes = options.maxTransactionBytes ?? MAX_TRANSACTION_BYTES;
    this.maxChanges = options.maxChangesPerTransaction ?? MAX_CHANGES_PER_TRANSACTION;
    this.watchers = new WatchHub(options.watchQueueLimit ?? DEFAULT_WATCH_QUEUE_LIMIT);
  }

  /** The Raft index of the last entry applied here (or restored from a snapshot). */
  get index(): number {
    return this.appliedIndex;
  }

  get<T extends StoreObject>(table: TableSpec<T>, id: string): T | undefined {
    return this.table(table).get(id);
  }

  getByName<T extends StoreObject>(table: TableSpec<T>, name: string): T | undefined {
    return this.table(table).getByName(name);
  }

  find<T extends StoreObject>(table: TableSpec<T>, query: FindQuery): T[] {
    return this.table(table).find(query.index, query.value);
  }

  all<T extends StoreObject>(table: TableSpec<T>): T[] {
    return this.table(table).all();
  }

  findByIdPrefix<T extends StoreObject>(table: TableSpec<T>, prefix: string): T[] {
    return this.table(table).findByIdPrefix(prefix);
  }

  /** Number of open watches (for leak checks). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Runs synchronous reads against one consistent state and returns `fn`'s result. */
  view<R>(fn: (reader: StoreReader) => R): R {
    return fn(this);
  }

  /**
   * Runs `fn` to build one transaction, proposes it, and resolves with its Raft index once it
   * has been applied on this replica (at once without a Proposer). An empty transaction
   * proposes nothing and resolves with the current index.
   *
   * Rejects with the apply-time verdict, after which nothing of the transaction is applied
   * anywhere: `STORE_SEQUENCE_CONFLICT` (an update's `meta.version` is stale: re-read and
   * retry), `STORE_EXISTS`, `STORE_NAME_CONFLICT`, `STORE_NOT_FOUND`; before proposing with
   * `STORE_REQUEST_TOO_LARGE` or whatever `fn` threw; and with the Proposer's own error
   * (such as `RAFT_PROPOSAL_LOST`), in which case the outcome may be unknown.
   */
  async update(fn: (tx: Transaction) => void | Promise<void>): Promise<number> {
    const tx = this.newTransaction();
    await fn(tx);
    return this.commit(tx);
  }

  /**
   * Runs `fn` with a {@link Batch}, committing its writes in as many transactions as the
   * limits need (at most `maxChangesPerTransaction` changes and ¾ of the byte limit each),
   * and resolves with the number of transactions committed. If `fn` throws, the writes of
   * callbacks that completed are still committed, then `fn`'s error propagates.
   */
  async batch(fn: (batch: Batch) => void | Promise<void>): Promise<number> {
    const batch = new Batch(this, {
      maxChanges: this.maxChanges,
      maxBytes: Math.floor((this.maxBytes * 3) / 4),
    });
    try {
      await fn(batch);
    } catch (error) {
      // The caller's error is the one to report; a commit failing on the way out is logged.
      await batch.flush().catch((flushError: unknown) => {
        this.logger.warn('store: batch commit failed after the batch threw', {
          error: String(flushError),
        });
      });
      throw error;
    }
    await batch.flush();
    return batch.transactions;
  }

  /** Subscribes to the events applied from now on; see {@link Subscription}. */
  watch(options: WatchOptions = {}): Subscription {
    return this.watchers.subscribe(options);
  }

  /**
   * Runs the synchronous read `fn` and subscribes in the same step, so the subscription
   * holds exactly the events applied after what `fn` saw: nothing missed, nothing twice.
   */
  viewAndWatch<R>(
    fn: (reader: StoreReader) => R,
    options: WatchOptions = {},
  ): { result: R; subscription: Subscription } {
    const subscription = this.watch(options);
    try {
      const result = fn(this);
      if (result instanceof Promise) {
        throw new InvariantError('store-sync-view', 'viewAndWatch needs a synchronous read');
      }
      return { result, subscription };
    } catch (error) {
      subscription.close();
      throw error;
    }
  }

  /**
   * StateMachine: applies the transaction in `payload` at Raft `index`. Never throws for a
   * transaction that fails its checks (that is an outcome, given to the proposing caller);
   * undecodable bytes are skipped with a warning, identically on every replica.
   */
  apply(payload: Uint8Array, index: number): void {
    this.appliedIndex = Math.max(this.appliedIndex, index);
    const changeset = decodeChangeset(payload);
    if (!changeset) {
      this.logger.warn('store: skipped an entry that is not a transaction', { index });
      return;
    }
    const outcome = this.outcomes.get(changeset.txId);
    this.outcomes.delete(changeset.txId);
    let events: ObjectChanged[];
    try {
      events = applyChangeset(this.tables, changeset, index);
    } catch (error) {
      if (!(error instanceof ShoalError)) {
        this.logger.error('store: transaction failed on an unexpected error', {
          index,
          error: String(error),
        });
      }
      outcome?.reject(error);
      return;
    }
    this.watchers.publish(events, { kind: 'committed', index });
    outcome?.resolve(index);
  }

  /** StateMachine: the image of every table at {@link MemoryStore.index}; see encodeSnapshot. */
  snapshot(): Uint8Array {
    return encodeSnapshot(this.appliedIndex, this.tables);
  }

  /**
   * StateMachine: replaces every table with the image's content and publishes `restored`.
   * Throws an InvariantError, changing nothing, when the image is not one of this store's.
   */
  restore(image: Uint8Array): void {
    const { index, tables } = decodeSnapshot(image, [...this.specs.values()]);
    this.tables = tables;
    this.appliedIndex = index;
    this.watchers.publish([], { kind: 'restored', index });
  }

  /** A new, empty transaction whose reads fall through to `base` (this store by default). */
  newTransaction(base: StoreReader = this): Transaction {
    return new Transaction(base, this.specs, new Date(this.clock.now()).toISOString());
  }

  /**
   * Encodes and proposes `tx` (or applies it here without a Proposer); resolves with its
   * index once applied on this replica. See {@link MemoryStore.update} for the rejections.
   */
  async commit(tx: Transaction): Promise<number> {
    if (tx.size === 0) return this.appliedIndex;
    const txId = `${this.txPrefix}.${(++this.txSeq).toString(36)}`;
    const bytes = encodeChangeset(txId, tx.at, tx.encodedChanges());
    if (bytes.length > this.maxBytes) throw requestTooLarge(bytes.length, this.maxBytes);
    const result = new Promise<number>((resolve, reject) =>
      this.outcomes.set(txId, { resolve, reject }),
    );
    // The verdict can arrive while propose is still in flight; it is awaited below.
    result.catch(() => {});
    if (!this.proposer) {
      this.apply(bytes, this.appliedIndex + 1);
      return result;
    }
    try {
      await this.proposer.propose(bytes);
    } catch (error) {
      this.outcomes.delete(txId);
      throw error;
    }
    if (this.outcomes.delete(txId)) {
      throw new InvariantError(
        'store-proposer-applies',
        'the proposer resolved before the store applied the entry',
      );
    }
    return result;
  }

  private table<T extends StoreObject>(spec: TableSpec<T>): TableState<T> {
    const table = this.tables.get(spec.name);
    if (!table || this.specs.get(spec.name) !== spec) {
      throw new InvariantError(
        'store-known-table',
        `table ${spec.name} is not one of this store's tables`,
      );
    }
    return table as unknown as TableState<T>;
  }
}
