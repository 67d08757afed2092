import { InvariantError } from '../../base/errors.ts';
import type { Entry, Snapshot } from './types.ts';

/**
 * The tail of the log not yet known to be durable: an optional incoming snapshot and the
 * entries after `offset - 1`. `entries[i]` has index `offset + i`. Entries leave through
 * {@link stableTo} once the shell reports them persisted (via `advance`).
 */
export class Unstable {
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];
  offset: number;

  /** `offset` is the index the first unstable entry will have (storage's last index + 1). */
  constructor(offset: number) {
    this.offset = offset;
  }

  /** The first index of the log if an unstable snapshot defines it. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.metadata.index + 1;
  }

  /** The last index of the log if the unstable part defines it. */
  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot?.metadata.index;
  }

  /** The term of entry `index` if the unstable part knows it. */
  maybeTerm(index: number): number | undefined {
    if (index < this.offset) {
      const snap = this.snapshot;
      return snap !== undefined && snap.metadata.index === index ? snap.metadata.term : undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || index > last) return undefined;
    return this.entries[index - this.offset]?.term;
  }

  /**
   * Drops the entries up to `index`, now durable, provided entry `index` still has `term`:
   * if a newer leader replaced it meanwhile, the replacement is not durable yet.
   */
  stableTo(index: number, term: number): void {
    if (index < this.offset) return;
    if (this.maybeTerm(index) !== term) return;
    this.entries = this.entries.slice(index + 1 - this.offset);
    this.offset = index + 1;
  }

  /** Forgets the snapshot at `index` once it is durable. */
  stableSnapTo(index: number): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === index)
      this.snapshot = undefined;
  }

  /** Replaces everything with an incoming snapshot. */
  restore(snapshot: Snapshot): void {
    this.offset = snapshot.metadata.index + 1;
    this.entries = [];
    this.snapshot = snapshot;
  }

  /**
   * Appends `entries` (consecutive), first truncating whatever conflicting suffix follows
   * the index before `entries[0]`; the truncation may reach back into stable storage.
   */
  truncateAndAppend(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const after = first.index;
    if (after === this.offset + this.entries.length) {
      this.entries.push(...entries);
    } else if (after <= this.offset) {
      this.offset = after;
      this.entries = [...entries];
    } else {
      this.entries = this.entries.slice(0, after - this.offset).concat(entries);
    }
  }

  /** The unstable entries in [lo, hi); throws {@link InvariantError} outside the unstable range. */
  slice(lo: number, hi: number): Entry[] {
    const upper = this.offset + this.entries.length;
    if (lo > hi || lo < this.offset || hi > upper) {
      throw new InvariantError(
        'unstable-slice-in-range',
        `[${lo}, ${hi}) outside [${this.offset}, ${upper})`,
      );
    }
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
