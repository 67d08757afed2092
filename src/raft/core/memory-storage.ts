import { InvariantError } from '../../base/errors.ts';
import { limitSize } from './entry-size.ts';
import { CompactedError, UnavailableError } from './types.ts';
import type { ConfState, Entry, HardState, LogReader, Snapshot } from './types.ts';

/** A snapshot older than (or equal to) the one already held was offered; nothing changed. */
export class SnapshotOutOfDateError extends Error {
  constructor(index: number, current: number) {
    super(`snapshot at ${index} is not newer than the current snapshot at ${current}`);
    this.name = 'SnapshotOutOfDateError';
  }
}

/**
 * An in-memory {@link LogReader} with the mutators a shell calls after persisting a Ready
 * (etcd's MemoryStorage). It holds the latest snapshot, the entries after it and the hard
 * state. The shell mirrors its WAL into it; tests and the simulator use it as the durable
 * state a restarted node comes back from. Entries and snapshots are stored by reference and
 * must not be mutated afterwards.
 */
export class MemoryStorage implements LogReader {
  private hardState: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot;
  /** `log[0]` is a placeholder carrying the snapshot's index and term. */
  private log: Entry[];

  /**
   * A fresh, empty log whose membership is `confState`. Give the bootstrap members to every
   * founding member alike (a RaftCore over it writes them into the log); a member joining
   * an existing cluster starts with no members and learns them from the leader.
   */
  constructor(confState: ConfState = { voters: [], learners: [] }) {
    this.snap = { metadata: { index: 0, term: 0, confState }, data: new Uint8Array(0) };
    this.log = [placeholder(0, 0)];
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  /** Records the durable hard state. */
  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new CompactedError(lo, offset + 1);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1, this.lastIndex());
    if (lo > hi) throw new RangeError(`entries: lo ${lo} > hi ${hi}`);
    return limitSize(this.log.slice(lo - offset, hi - offset), maxBytes);
  }

  term(index: number): number {
    const offset = this.offset();
    if (index < offset) throw new CompactedError(index, offset + 1);
    const entry = this.log[index - offset];
    if (entry === undefined) throw new UnavailableError(index, this.lastIndex());
    return entry.term;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.log.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /**
   * Replaces the whole log with `snapshot` (a snapshot received from the leader). Throws
   * {@link SnapshotOutOfDateError} when it is not newer than the one held.
   */
  applySnapshot(snapshot: Snapshot): void {
    const current = this.snap.metadata.index;
    if (snapshot.metadata.index <= current && current > 0) {
      throw new SnapshotOutOfDateError(snapshot.metadata.index, current);
    }
    this.snap = snapshot;
    this.log = [placeholder(snapshot.metadata.index, snapshot.metadata.term)];
  }

  /**
   * Records a snapshot of the application state at `index` (which must be in the log),
   * with the membership as of that index; the log is not compacted (see {@link compact}).
   */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    const current = this.snap.metadata.index;
    if (index <= current) throw new SnapshotOutOfDateError(index, current);
    if (index > this.lastIndex()) {
      throw new InvariantError(
        'snapshot-within-log',
        `snapshot index ${index} is past last index ${this.lastIndex()}`,
      );
    }
    this.snap = { metadata: { index, term: this.term(index), confState }, data };
    return this.snap;
  }

  /**
   * Discards the entries before `index`; entry `index` becomes the placeholder. `index` may
   * not pass the snapshot's index: a lagging follower could then be sent neither the
   * entries it needs nor a snapshot covering them.
   */
  compact(index: number): void {
    const offset = this.offset();
    if (index <= offset) throw new CompactedError(index, offset + 1);
    if (index > this.snap.metadata.index) {
      throw new InvariantError(
        'compact-within-snapshot',
        `compact index ${index} is past the snapshot index ${this.snap.metadata.index}`,
      );
    }
    if (index > this.lastIndex()) {
      throw new InvariantError(
        'compact-within-log',
        `compact index ${index} is past last index ${this.lastIndex()}`,
      );
    }
    const keep = this.log.slice(index - offset);
    const head = keep[0]!;
    keep[0] = placeholder(head.index, head.term);
    this.log = keep;
  }

  /**
   * Appends entries (consecutive, starting at most one past the last index), replacing any
   * conflicting suffix from `entries[0].index` on. Entries already compacted are skipped.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const lastNew = entries[entries.length - 1]!.index;
    if (lastNew < first) return;
    const fresh = first > entries[0]!.index ? entries.slice(first - entries[0]!.index) : entries;
    const at = fresh[0]!.index - this.offset();
    if (at > this.log.length) {
      throw new InvariantError(
        'append-contiguous',
        `entry ${fresh[0]!.index} leaves a gap after ${this.lastIndex()}`,
      );
    }
    // In place: copying the whole log on every append made appends O(log length).
    this.log.length = at;
    for (const entry of fresh) this.log.push(entry);
  }

  private offset(): number {
    return this.log[0]!.index;
  }
}

function placeholder(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: new Uint8Array(0) };
}
