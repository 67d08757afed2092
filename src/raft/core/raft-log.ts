import { InvariantError } from '../../base/errors.ts';
import { limitSize } from './entry-size.ts';
import { CompactedError, UnavailableError } from './types.ts';
import type { Entry, LogReader, Snapshot } from './types.ts';
import { Unstable } from './unstable.ts';

/**
 * The Raft log as the core sees it: the durable part behind a {@link LogReader} followed
 * by the {@link Unstable} tail. `committed` and `applied` are cursors with
 * `firstIndex - 1 <= applied <= committed <= lastIndex`.
 */
export class RaftLog {
  readonly unstable: Unstable;
  committed: number;
  applied: number;

  constructor(
    readonly storage: LogReader,
    private readonly maxCommittedSize: number,
  ) {
    this.unstable = new Unstable(storage.lastIndex() + 1);
    // Everything up to the snapshot is committed and applied by definition.
    this.committed = storage.firstIndex() - 1;
    this.applied = this.committed;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The term of entry `index`, or undefined when it is compacted or past the end. */
  term(index: number): number | undefined {
    const fromUnstable = this.unstable.maybeTerm(index);
    if (fromUnstable !== undefined) return fromUnstable;
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return undefined;
    try {
      return this.storage.term(index);
    } catch (err) {
      if (err instanceof CompactedError || err instanceof UnavailableError) return undefined;
      throw err;
    }
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    if (t === undefined)
      throw new InvariantError('last-term-known', `no term for last index ${this.lastIndex()}`);
    return t;
  }

  /** True when entry `index` exists with `term`. */
  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** True when a log ending at (`lastIndex`, `lastTerm`) is at least as up to date as this one (§5.4.1). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * The follower side of an append: if the entry at `index` has `logTerm`, appends
   * `entries` (skipping those already present, truncating a conflicting suffix), advances
   * commit to `min(commit, last new index)` and returns the last new index; otherwise
   * returns undefined and changes nothing.
   */
  maybeAppend(
    index: number,
    logTerm: number,
    commit: number,
    entries: readonly Entry[],
  ): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new InvariantError(
          'committed-entries-never-change',
          `entry ${conflict} conflicts but commit is ${this.committed}`,
        );
      }
      this.append(entries.slice(conflict - (index + 1)));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** Appends `entries` after truncating anything from `entries[0].index` on; returns the new last index. */
  append(entries: readonly Entry[]): number {
    const first = entries[0];
    if (first === undefined) return this.lastIndex();
    if (first.index - 1 < this.committed) {
      throw new InvariantError(
        'committed-entries-never-change',
        `append at ${first.index} below commit ${this.committed}`,
      );
    }
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /**
   * The index of the first entry of `entries` that is absent or has a different term, or 0
   * when all of them are already in the log.
   */
  findConflict(entries: readonly Entry[]): number {
    for (const e of entries) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The highest index at or below `index` whose term is at most `term`, with that term
   * (fast log repair). An index below the log's start is returned with term 0.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = index; i > 0; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
    return { index: 0, term: 0 };
  }

  /** Unstable entries, to be persisted by the shell. */
  unstableEntries(): Entry[] {
    return [...this.unstable.entries];
  }

  /** The snapshot to install, if one is pending (unstable first, else storage's). */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** True when committed entries wait to be applied (none while a snapshot is pending). */
  hasNextCommittedEntries(): boolean {
    return this.unstable.snapshot === undefined && this.committed > this.applied;
  }

  /** The next committed entries to apply, bounded by the configured size (at least one). */
  nextCommittedEntries(): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    return this.slice(this.applied + 1, this.committed + 1, this.maxCommittedSize);
  }

  /** Entries from `lo` to the end, bounded by `maxBytes`; throws {@link CompactedError} below the log. */
  entries(lo: number, maxBytes: number): Entry[] {
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, this.lastIndex() + 1, maxBytes);
  }

  /** Entries in [lo, hi) bounded by `maxBytes`; throws {@link CompactedError} when `lo` is compacted. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    const first = this.firstIndex();
    if (lo < first) throw new CompactedError(lo, first);
    if (lo > hi || hi > this.lastIndex() + 1) {
      throw new InvariantError(
        'log-slice-in-range',
        `[${lo}, ${hi}) outside [${first}, ${this.lastIndex() + 1})`,
      );
    }
    if (lo === hi) return [];
    const out: Entry[] = [];
    const offset = this.unstable.offset;
    if (lo < offset) {
      const stored = this.storage.entries(lo, Math.min(hi, offset), maxBytes);
      // A short read means the size limit was hit: stop there.
      if (stored.length < Math.min(hi, offset) - lo) return stored;
      out.push(...stored);
    }
    if (hi > offset) out.push(...this.unstable.slice(Math.max(lo, offset), hi));
    return limitSize(out, maxBytes);
  }

  /** Raises commit to `index`; never lowers it. Throws when `index` is past the last entry. */
  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) {
      throw new InvariantError(
        'commit-within-log',
        `commit ${index} is past last index ${this.lastIndex()}`,
      );
    }
    this.committed = index;
  }

  /** Leader commit: moves to `index` only if that entry belongs to `term` (Figure 8). */
  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.term(index) === term) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  /** Records that the application applied up to `index`. */
  appliedTo(index: number): void {
    if (index === 0 || index === this.applied) return;
    if (index < this.applied || index > this.committed) {
      throw new InvariantError(
        'applied-within-commit',
        `applied ${index} not in [${this.applied}, ${this.committed}]`,
      );
    }
    this.applied = index;
  }

  /** Replaces the log with `snapshot` (follower install); commit jumps to its index. */
  restore(snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }
}
