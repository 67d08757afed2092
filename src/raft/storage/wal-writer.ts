import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import type { HardState } from '../core/types.ts';
import { sealWalRecords } from './record-cipher.ts';
import type { RecordCipher } from './record-cipher.ts';
import { segmentFileName } from './segment-files.ts';
import type { SegmentFile } from './segment-files.ts';
import { syncDirectory } from '../../base/atomic-file.ts';
import type { DurableUpdate } from './types.ts';
import { encodeUpdate } from './update-records.ts';
import type { RecoveredSegment } from './wal-recovery.ts';
import type { SegmentSummary } from './wal-replay.ts';

type TrackedSegment = SegmentFile & { -readonly [K in keyof SegmentSummary]: SegmentSummary[K] };

/** Where a {@link WalWriter} resumes: the recovered segments and the log's durable position. */
export interface WalPosition {
  readonly segments: readonly RecoveredSegment[];
  /** Valid length of the final segment. */
  readonly finalSize: number;
  /** The last log index (of an entry, or of the snapshot when the log is empty). */
  readonly lastIndex: number;
  readonly hardState: HardState;
}

/**
 * Appends updates to the newest WAL segment through one open file handle: one `write` per
 * update at an explicit offset, then one `fdatasync` when asked to sync. When the segment has
 * reached `segmentBytes`, the next update first seals it (fdatasync, close) and starts a new
 * one, which opens with the current hard state so that older segments can be removed freely.
 *
 * With a `cipher`, every record's payload is sealed and bound to its segment and offset
 * (see `sealWalRecords`); the framing stays as for plaintext.
 *
 * After any I/O error the writer refuses further work: what reached the disk is unknown, and
 * only a fresh recovery can tell.
 */
export class WalWriter {
  private segments: TrackedSegment[];
  private failure: unknown;

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    segments: TrackedSegment[],
    private handle: FileHandle,
    private size: number,
    private lastIndex: number,
    private hardState: HardState,
    private readonly cipher: RecordCipher | undefined,
  ) {
    this.segments = segments;
  }

  /**
   * Opens the final segment for appending, creating the first segment in an empty WAL.
   * Records are sealed with `cipher` when given.
   */
  static async resume(
    dir: string,
    segmentBytes: number,
    pos: WalPosition,
    cipher?: RecordCipher,
  ): Promise<WalWriter> {
    const segments: TrackedSegment[] = pos.segments.map((s) => ({ ...s }));
    const last = segments[segments.length - 1];
    const { lastIndex, hardState } = pos;
    if (last) {
      const handle = await open(join(dir, last.name), 'r+');
      const size = pos.finalSize;
      return new WalWriter(dir, segmentBytes, segments, handle, size, lastIndex, hardState, cipher);
    }
    const { segment, handle } = await createSegment(dir, 1, lastIndex + 1);
    return new WalWriter(dir, segmentBytes, [segment], handle, 0, lastIndex, hardState, cipher);
  }

  /** Makes `update` durable (fsync'd when `sync`); rejects on I/O error. */
  async append(update: DurableUpdate, sync: boolean): Promise<void> {
    this.checkUsable();
    this.checkContinuity(update);
    try {
      if (this.size >= this.segmentBytes) await this.rollOver();
      const bytes = this.encode(update);
      await writeFully(this.handle, bytes, this.size);
      this.size += bytes.length;
      if (sync) await this.handle.datasync();
    } catch (err) {
      this.failure = err;
      throw err;
    }
    this.track(update);
  }

  /**
   * Removes the oldest segments whose entries all lie at or below `snapshotIndex`, or that
   * precede a snapshot marker, never the active segment. Removal goes oldest first with a
   * directory fsync after each, so a crash can only leave a shorter prefix removed.
   */
  async removeCovered(snapshotIndex: number): Promise<void> {
    this.checkUsable();
    const lastMarker = this.segments.findLastIndex((s) => s.hasMarker);
    let removable = 0;
    while (removable < this.segments.length - 1) {
      const seg = this.segments[removable]!;
      if (seg.maxIndex > snapshotIndex && removable >= lastMarker) break;
      removable++;
    }
    for (let i = 0; i < removable; i++) {
      await unlink(join(this.dir, this.segments[0]!.name));
      this.segments.shift();
      await syncDirectory(this.dir);
    }
  }

  /** Closes the file handle; unsynced writes stay in the page cache as the OS sees fit. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  /** The update's records as they go at the end of the active segment. */
  private encode(update: DurableUpdate): Buffer {
    // A segment with no record yet (new, or torn back to nothing) must open with the state.
    const plain = encodeUpdate(update, this.size === 0 ? this.hardState : undefined);
    if (!this.cipher) return plain;
    const active = this.segments[this.segments.length - 1]!;
    return sealWalRecords(plain, this.cipher, active.seq, this.size);
  }

  private async rollOver(): Promise<void> {
    await this.handle.datasync();
    await this.handle.close();
    const seq = this.segments[this.segments.length - 1]!.seq + 1;
    const next = await createSegment(this.dir, seq, this.lastIndex + 1);
    this.handle = next.handle;
    this.segments.push(next.segment);
    this.size = 0;
  }

  private track(update: DurableUpdate): void {
    const active = this.segments[this.segments.length - 1]!;
    if (update.snapshot) {
      active.hasMarker = true;
      this.lastIndex = update.snapshot.metadata.index;
    }
    const last = update.entries[update.entries.length - 1];
    if (last) {
      active.maxIndex = Math.max(active.maxIndex, last.index);
      this.lastIndex = last.index;
    }
    if (update.hardState) this.hardState = update.hardState;
  }

  /** A gap written now would only surface as a corrupt log at the next start: refuse it. */
  private checkContinuity(update: DurableUpdate): void {
    let expected = update.snapshot ? update.snapshot.metadata.index + 1 : this.lastIndex + 1;
    const first = update.entries[0];
    if (first && first.index > expected) {
      throw new RangeError(`entries start at ${first.index}; the log ends at ${expected - 1}`);
    }
    for (const e of update.entries) {
      if (e !== first && e.index !== expected) {
        throw new RangeError(`entry ${e.index} does not follow entry ${expected - 1}`);
      }
      expected = e.index + 1;
    }
  }

  private checkUsable(): void {
    if (this.failure !== undefined) {
      throw new Error('raft WAL is unusable after an earlier I/O error; reopen the storage', {
        cause: this.failure,
      });
    }
  }
}

async function createSegment(
  dir: string,
  seq: number,
  firstIndex: number,
): Promise<{ segment: TrackedSegment; handle: FileHandle }> {
  const name = segmentFileName(seq, firstIndex);
  const handle = await open(join(dir, name), 'wx');
  await syncDirectory(dir);
  return { segment: { name, seq, firstIndex, maxIndex: 0, hasMarker: false }, handle };
}

async function writeFully(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
