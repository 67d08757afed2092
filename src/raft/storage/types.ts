import type { Entry, HardState, Snapshot } from '../core/types.ts';

/** What a node finds on disk when it starts: enough to rebuild its MemoryStorage. */
export interface RecoveredState {
  /** The zero hard state `{term: 0, vote: 0, commit: 0}` on a fresh data dir. */
  readonly hardState: HardState;
  /** The newest complete snapshot, if any. */
  readonly snapshot: Snapshot | undefined;
  /** Log entries after the snapshot, contiguous and in index order. */
  readonly entries: readonly Entry[];
}

/** One Ready's worth of state to make durable, in the order the Ready contract demands. */
export interface DurableUpdate {
  readonly snapshot?: Snapshot;
  /** Entries to append; an entry at an index already stored replaces that entry and all after it. */
  readonly entries: readonly Entry[];
  readonly hardState?: HardState;
}

/**
 * The durable side of a Raft member: a write-ahead log plus snapshots in one directory.
 *
 * Contract:
 * - `open` recovers what is on disk. A torn final record (a crash mid-write) is truncated and
 *   the node starts; a bad checksum or malformed record anywhere before the tail is fatal and
 *   throws {@link CorruptLogError} naming the file and byte offset.
 * - `save` resolves only once the update is written and, when `sync` is true, fsync'd: only
 *   then may the shell send the Ready's messages. Calls must not overlap; the shell awaits each.
 * - `saveSnapshot` writes the snapshot atomically (temp file, fsync, rename, fsync dir), then
 *   removes WAL segments wholly covered by it and older snapshot files.
 */
export interface RaftStorage {
  open(): Promise<RecoveredState>;
  save(update: DurableUpdate, sync: boolean): Promise<void>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  close(): Promise<void>;
}

/** Corruption in the middle of the log: the node must not start on it. */
export class CorruptLogError extends Error {
  readonly file: string;
  readonly offset: number;

  constructor(file: string, offset: number, detail: string) {
    super(`raft log is corrupt in ${file} at byte ${offset}: ${detail}`);
    this.name = 'CorruptLogError';
    this.file = file;
    this.offset = offset;
  }
}
