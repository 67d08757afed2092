import type { Entry, HardState, Snapshot } from '../../../src/raft/core/types.ts';

type Write =
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly kind: 'entries'; readonly entries: readonly Entry[] }
  | { readonly kind: 'hardState'; readonly hardState: HardState };

/**
 * What one simulated node has on disk. Writes land in a page cache first and become durable
 * at the next `sync()` (an fsync, which makes every earlier write durable too, in order);
 * `crash()` throws away whatever was not synced. This is how the simulator holds the shell
 * to the Ready contract: state written with `mustSync` false may be lost, state written
 * with it true survives.
 *
 * Entries are kept by reference (the core never mutates them) and the log is held as
 * contiguous entries that start right after `firstIndex - 1`, which is at or below the
 * snapshot index.
 */
export class DurableStore {
  private hardStateValue: HardState;
  private snapshotValue: Snapshot | undefined;
  private log: Entry[] = [];
  private pending: Write[] = [];

  constructor(hardState: HardState, snapshot: Snapshot | undefined) {
    this.hardStateValue = hardState;
    this.snapshotValue = snapshot;
  }

  /** The synced hard state. */
  get hardState(): HardState {
    return this.hardStateValue;
  }

  /** The synced snapshot, if any. */
  get snapshot(): Snapshot | undefined {
    return this.snapshotValue;
  }

  /** True while nothing at all has been synced: the data dir of a node never started. */
  get pristine(): boolean {
    const hs = this.hardStateValue;
    return (
      this.snapshotValue === undefined &&
      this.log.length === 0 &&
      hs.term === 0 &&
      hs.vote === 0 &&
      hs.commit === 0
    );
  }

  /** The synced entries after the synced snapshot, contiguous and in index order. */
  entriesAfterSnapshot(): Entry[] {
    const snapIndex = this.snapshotValue?.metadata.index ?? 0;
    const first = this.log[0]?.index ?? snapIndex + 1;
    return snapIndex < first ? this.log.slice() : this.log.slice(snapIndex - first + 1);
  }

  /** Buffers a received snapshot; it replaces the whole log once synced. */
  writeSnapshot(snapshot: Snapshot): void {
    this.pending.push({ kind: 'snapshot', snapshot });
  }

  /** Buffers entries; an entry at an index already held replaces it and all after it. */
  writeEntries(entries: readonly Entry[]): void {
    if (entries.length > 0) this.pending.push({ kind: 'entries', entries });
  }

  writeHardState(hardState: HardState): void {
    this.pending.push({ kind: 'hardState', hardState });
  }

  /** fsync: every buffered write becomes durable, in the order it was made. */
  sync(): void {
    for (const write of this.pending) this.settle(write);
    this.pending = [];
  }

  /**
   * Records a snapshot the application took at `snapshot.metadata.index` and drops the
   * entries at or before `compactIndex`. Like a snapshot file written by rename plus a WAL
   * cut, it syncs everything buffered before it.
   */
  saveSnapshot(snapshot: Snapshot, compactIndex: number): void {
    this.sync();
    this.snapshotValue = snapshot;
    const first = this.log[0]?.index;
    if (first !== undefined && compactIndex >= first)
      this.log = this.log.slice(compactIndex - first + 1);
  }

  /** Loses every write not yet synced. */
  crash(): void {
    this.pending = [];
  }

  private settle(write: Write): void {
    switch (write.kind) {
      case 'hardState':
        this.hardStateValue = write.hardState;
        return;
      case 'snapshot':
        this.snapshotValue = write.snapshot;
        this.log = [];
        return;
      case 'entries':
        this.appendDurable(write.entries);
        return;
    }
  }

  private appendDurable(entries: readonly Entry[]): void {
    const start = entries[0]!.index;
    const first = this.log[0]?.index;
    const snapIndex = this.snapshotValue?.metadata.index ?? 0;
    if (first === undefined || start <= first) {
      if (start > snapIndex + 1)
        throw new Error(`durable log gap: entry ${start} after snapshot ${snapIndex}`);
      // Entries at or before the snapshot are already folded into it: keep only what is new.
      this.log = entries.filter((e) => e.index > snapIndex);
      return;
    }
    const keep = start - first;
    if (keep > this.log.length) {
      throw new Error(`durable log gap: entry ${start} after last ${first + this.log.length - 1}`);
    }
    this.log.length = keep;
    for (const e of entries) this.log.push(e);
  }
}
