import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { Snapshot } from '../core/types.ts';
import { checkEncryption } from './encryption-header.ts';
import type { RecordCipher } from './record-cipher.ts';
import { assembleRecoveredState } from './recovered-state.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { syncDirectory } from '../../base/atomic-file.ts';
import type { DurableUpdate, RaftStorage, RecoveredState } from './types.ts';
import { recoverWal } from './wal-recovery.ts';
import { WalWriter } from './wal-writer.ts';

/** Tuning for {@link FileStorage}. */
export interface FileStorageOptions {
  /** A new WAL segment starts once the current one reaches this many bytes. Default 64 MiB. */
  readonly segmentBytes?: number;
  /**
   * Encrypts WAL record payloads and snapshot files at rest. A directory is encrypted or not
   * from its first `open` on (recorded in `encryption.json`, with the key ID but never the
   * key); `open` refuses a directory whose mode or key does not match. One key per directory:
   * see the README for key rotation.
   */
  readonly cipher?: RecordCipher;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * {@link RaftStorage} on the local file system: `<dir>/wal/` holds checksummed segment files
 * (`<seq>-<firstIndex>.wal`), `<dir>/snap/` holds snapshots (`<term>-<index>.snap`).
 *
 * `open` must resolve before any other call. Calls are queued and run one at a time in call
 * order, so a `saveSnapshot` issued while a `save` is in flight waits for it. After an I/O
 * error in `save` the storage rejects further writes (see {@link WalWriter}). Entries handed
 * to `save` are encoded before the returned promise settles and are not retained.
 */
export class FileStorage implements RaftStorage {
  private readonly walDir: string;
  private readonly snapshots: SnapshotStore;
  private readonly segmentBytes: number;
  private readonly cipher: RecordCipher | undefined;
  private writer: WalWriter | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    options: FileStorageOptions = {},
  ) {
    this.walDir = join(dir, 'wal');
    this.cipher = options.cipher;
    this.snapshots = new SnapshotStore(join(dir, 'snap'), options.cipher);
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  }

  /**
   * Creates the directories if needed, recovers the newest intact snapshot and the WAL after
   * it (truncating a torn tail), and opens the WAL for appending. Rejects with
   * CorruptLogError on damage before the tail (an encrypted record that fails authentication
   * included); the directory is then left as found. Rejects with ShoalError
   * `RAFT_STORAGE_ENCRYPTED`, `RAFT_STORAGE_NOT_ENCRYPTED` or `RAFT_STORAGE_KEY_MISMATCH` when
   * the `cipher` option does not match the directory, before anything is read or changed.
   */
  open(): Promise<RecoveredState> {
    return this.serially(async () => {
      if (this.writer || this.closed) throw new Error('FileStorage.open may be called once');
      await this.makeDirectories();
      await checkEncryption(this.dir, this.cipher);
      await this.snapshots.removeLeftovers();
      const snapshot = await this.snapshots.loadNewest();
      const wal = await recoverWal(this.walDir, this.cipher);
      const { state, needsMarker } = assembleRecoveredState(wal.log, snapshot, this.walDir);
      const lastIndex = state.entries[state.entries.length - 1]?.index ?? 0;
      this.writer = await WalWriter.resume(
        this.walDir,
        this.segmentBytes,
        {
          segments: wal.segments,
          finalSize: wal.finalSize,
          lastIndex: Math.max(lastIndex, snapshot?.metadata.index ?? 0),
          hardState: state.hardState,
        },
        this.cipher,
      );
      if (needsMarker && snapshot) {
        // Finish what an interrupted snapshot install began: the marker it never wrote.
        await this.writer.append({ snapshot, entries: [] }, true);
      }
      return state;
    });
  }

  /**
   * Persists a leader's snapshot first (atomically, as {@link FileStorage.saveSnapshot} does),
   * then the update's marker, entries and hard state in one write, fsync'd when `sync`.
   */
  save(update: DurableUpdate, sync: boolean): Promise<void> {
    return this.serially(async () => {
      const writer = this.openWriter();
      if (update.snapshot) await this.snapshots.write(update.snapshot);
      await writer.append(update, sync);
      if (update.snapshot) await this.compact(writer, update.snapshot);
    });
  }

  /** Writes `snapshot` atomically, then drops the segments and snapshots it makes redundant. */
  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.serially(async () => {
      const writer = this.openWriter();
      await this.snapshots.write(snapshot);
      await this.compact(writer, snapshot);
    });
  }

  /** Waits for queued calls, then closes the WAL. Idempotent. */
  close(): Promise<void> {
    return this.serially(async () => {
      if (this.closed) return;
      this.closed = true;
      const writer = this.writer;
      this.writer = undefined;
      await writer?.close();
    });
  }

  private async compact(writer: WalWriter, snapshot: Snapshot): Promise<void> {
    await writer.removeCovered(snapshot.metadata.index);
    await this.snapshots.removeOlder(snapshot);
  }

  private openWriter(): WalWriter {
    if (!this.writer) {
      throw new Error(this.closed ? 'FileStorage is closed' : 'FileStorage is not open yet');
    }
    return this.writer;
  }

  private async makeDirectories(): Promise<void> {
    const createdRoot = await mkdir(this.dir, { recursive: true });
    const createdWal = await mkdir(this.walDir, { recursive: true });
    const createdSnap = await mkdir(join(this.dir, 'snap'), { recursive: true });
    if (createdRoot !== undefined) await syncDirectory(dirname(this.dir));
    if (createdRoot ?? createdWal ?? createdSnap) await syncDirectory(this.dir);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
