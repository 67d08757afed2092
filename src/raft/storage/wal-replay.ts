import { DecodeError } from '../codec/index.ts';
import type { Entry, HardState, SnapshotMetadata } from '../core/types.ts';
import type { LocatedRecord } from './segment-scan.ts';
import { CorruptLogError } from './types.ts';
import { decodeEntries, decodeHardState, decodeSnapshotMarker } from './update-records.ts';
import { RecordType } from './wal-record.ts';
import type { IntactRecord } from './wal-record.ts';

/**
 * Turns a record's stored payload into its plaintext (decrypting it); throws DecodeError when
 * it cannot, which replay reports as corruption at the record's offset.
 */
export type PayloadOpener = (record: IntactRecord, offset: number) => Buffer;

/** What replay learned about one segment, used later to decide which segments to remove. */
export interface SegmentSummary {
  /** The highest entry index written to the segment, 0 if none. */
  readonly maxIndex: number;
  /** True if the segment holds a snapshot marker (every earlier segment is then dead). */
  readonly hasMarker: boolean;
}

/** Where a snapshot marker was found, so recovery can name it if its snapshot is missing. */
export interface LocatedMarker {
  readonly metadata: SnapshotMetadata;
  readonly file: string;
  readonly offset: number;
}

/** The log as the WAL describes it, before the snapshot is taken into account. */
export interface ReplayedLog {
  readonly hardState: HardState | undefined;
  /** Contiguous entries in index order. */
  readonly entries: readonly Entry[];
  readonly marker: LocatedMarker | undefined;
}

/**
 * Replays WAL records in write order: the latest hard state wins, an entries record whose
 * first index is at or below the last one replaces that entry and everything after it, and a
 * snapshot marker empties the log so that it resumes after the marker's index.
 *
 * A record that decodes badly, or entries that would leave a gap, throw
 * {@link CorruptLogError} naming the file and the record's offset.
 */
export class WalReplay {
  private hardState: HardState | undefined;
  private entries: Entry[] = [];
  private marker: LocatedMarker | undefined;

  /** Replays one segment's records, opened by `open` when given, and returns what they held. */
  replaySegment(
    file: string,
    records: readonly LocatedRecord[],
    open?: PayloadOpener,
  ): SegmentSummary {
    let maxIndex = 0;
    let hasMarker = false;
    for (const { record, offset } of records) {
      try {
        const payload = open ? open(record, offset) : record.payload;
        switch (record.type) {
          case RecordType.entries:
            maxIndex = Math.max(maxIndex, this.append(decodeEntries(payload)));
            break;
          case RecordType.hardState:
            this.hardState = decodeHardState(payload);
            break;
          case RecordType.snapshotMarker:
            this.resetTo({ metadata: decodeSnapshotMarker(payload), file, offset });
            hasMarker = true;
            break;
          default:
            throw new DecodeError(`record type ${record.type} does not belong in a segment`);
        }
      } catch (err) {
        if (err instanceof DecodeError) throw new CorruptLogError(file, offset, err.message);
        throw err;
      }
    }
    return { maxIndex, hasMarker };
  }

  /** The log replayed so far. */
  result(): ReplayedLog {
    return { hardState: this.hardState, entries: this.entries, marker: this.marker };
  }

  /** Returns the last index appended. */
  private append(batch: Entry[]): number {
    const first = batch[0]!.index;
    const floor = this.marker ? this.marker.metadata.index + 1 : undefined;
    const head = this.entries[0];
    if (floor !== undefined && first < floor) {
      throw new DecodeError(`entry ${first} rewrites the log below snapshot marker ${floor - 1}`);
    }
    if (head === undefined) {
      // Without a marker these are the first entries after removed segments: any start goes.
      if (floor !== undefined && first !== floor) {
        throw new DecodeError(`entries start at ${first}, leaving a gap after ${floor - 1}`);
      }
    } else if (first > this.lastIndex() + 1) {
      throw new DecodeError(`entries start at ${first}, leaving a gap after ${this.lastIndex()}`);
    } else {
      // Truncate in place: replay must stay linear in the number of entries.
      this.entries.length = Math.max(0, first - head.index);
    }
    for (const e of batch) this.entries.push(e);
    return batch[batch.length - 1]!.index;
  }

  private resetTo(marker: LocatedMarker): void {
    this.marker = marker;
    this.entries = [];
  }

  private lastIndex(): number {
    return this.entries[this.entries.length - 1]?.index ?? 0;
  }
}
