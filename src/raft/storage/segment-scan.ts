import { CorruptLogError } from './types.ts';
import { findIntactRecord, readRecordAt } from './wal-record.ts';
import type { IntactRecord } from './wal-record.ts';

/** An intact record and where it starts in its segment. */
export interface LocatedRecord {
  readonly record: IntactRecord;
  readonly offset: number;
}

/** The records of one segment and the length of its valid prefix. */
export interface SegmentScan {
  readonly records: readonly LocatedRecord[];
  /** Bytes of intact records; less than the file's length when the tail is torn. */
  readonly validEnd: number;
}

/**
 * Splits a segment's bytes into records, deciding what damage means.
 *
 * In the final segment, damage after which no intact record follows is a torn tail (a crash
 * mid-write, zero-filled or stale blocks past the last write, garbage): the scan stops there
 * and `validEnd` says where to truncate. Damage followed by an intact record, or any damage
 * in a segment that is not the final one, throws {@link CorruptLogError} with `file` and the
 * damaged record's offset.
 */
export function scanSegment(buf: Buffer, file: string, isFinal: boolean): SegmentScan {
  const records: LocatedRecord[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const probe = readRecordAt(buf, offset);
    if (probe.kind === 'intact') {
      records.push({ record: probe, offset });
      offset = probe.end;
      continue;
    }
    if (!isFinal) {
      throw new CorruptLogError(file, offset, `${describe(probe.kind)} in a sealed segment`);
    }
    // A verified header with a short payload can only be the last write, cut short. Otherwise
    // look for any intact record further on: if one exists, the damage is not at the tail.
    if (probe.kind !== 'short') {
      const resumeAt = probe.kind === 'badPayload' ? probe.end : offset + 1;
      const next = findIntactRecord(buf, resumeAt);
      if (next >= 0) {
        throw new CorruptLogError(
          file,
          offset,
          `${describe(probe.kind)} followed by an intact record at byte ${next}`,
        );
      }
    }
    return { records, validEnd: offset };
  }
  return { records, validEnd: offset };
}

function describe(kind: 'short' | 'badHeader' | 'badPayload'): string {
  switch (kind) {
    case 'short':
      return 'truncated record';
    case 'badHeader':
      return 'bad record header checksum';
    case 'badPayload':
      return 'bad record payload checksum';
  }
}
