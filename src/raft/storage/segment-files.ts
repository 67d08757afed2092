import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { CorruptLogError } from './types.ts';

const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

/** A WAL segment file: its sequence number orders segments; `firstIndex` is informative. */
export interface SegmentFile {
  readonly name: string;
  readonly seq: number;
  /** The log index expected next when the segment was created. */
  readonly firstIndex: number;
}

/** The file name of segment `seq`, e.g. `0000000000000001-0000000000000001.wal`. */
export function segmentFileName(seq: number, firstIndex: number): string {
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

/**
 * The segments in `dir`, oldest first; other files are ignored. Segments are only ever
 * removed oldest first, one directory fsync at a time, so a gap in the sequence means a
 * lost file: it throws {@link CorruptLogError} naming the segment after the gap.
 */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const segments: SegmentFile[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (!match) continue;
    segments.push({ name, seq: parseInt(match[1]!, 16), firstIndex: parseInt(match[2]!, 16) });
  }
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!;
    const seg = segments[i]!;
    if (seg.seq !== prev.seq + 1) {
      throw new CorruptLogError(join(dir, seg.name), 0, `segment ${prev.seq + 1} is missing`);
    }
  }
  return segments;
}

/** Zero-padded so that names sort like the numbers they hold. */
function hex16(value: number): string {
  return value.toString(16).padStart(16, '0');
}
