import { crc32 } from 'node:zlib';

import type { ByteWriter } from '../codec/index.ts';

/**
 * The kinds of record in WAL segments and snapshot files. Values are on disk: never renumber.
 * - `entries`: a uvarint count, then that many contiguous entries (raft codec).
 * - `hardState`: one hard state.
 * - `snapshotMarker`: snapshot metadata; replay resets the log to start after its index.
 * - `snapshot`: a whole snapshot; the only record of a `.snap` file.
 */
export const RecordType = {
  entries: 1,
  hardState: 2,
  snapshotMarker: 3,
  snapshot: 4,
} as const;

export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

/**
 * Bytes before each payload: u32 payload length, u8 type, u32 CRC-32 of those five bytes,
 * u32 CRC-32 of the payload (all little-endian). The header has its own checksum so a length
 * is trusted only once verified: a flipped length bit in the middle of the log is then
 * reported as corruption instead of passing for a record torn at the end of the file.
 */
export const RECORD_HEADER_BYTES = 13;

const MAX_TYPE = RecordType.snapshot;

/**
 * Reserves a record header in `w` and returns the record's start offset; write the payload
 * next, then call {@link endRecord} before writing anything else.
 */
export function beginRecord(w: ByteWriter): number {
  const start = w.length;
  for (let i = 0; i < RECORD_HEADER_BYTES; i++) w.u8(0);
  return start;
}

/** Fills in the header reserved at `start`, covering everything written since. */
export function endRecord(w: ByteWriter, start: number, type: RecordTypeCode): void {
  const buf = w.view();
  const payloadStart = start + RECORD_HEADER_BYTES;
  buf.writeUInt32LE(buf.length - payloadStart, start);
  buf[start + 4] = type;
  buf.writeUInt32LE(crc32(buf.subarray(start, start + 5)), start + 5);
  buf.writeUInt32LE(crc32(buf.subarray(payloadStart)), start + 9);
}

/** A record read back intact; `payload` is a view into the source buffer. */
export interface IntactRecord {
  readonly kind: 'intact';
  readonly type: RecordTypeCode;
  readonly payload: Buffer;
  /** Offset just past the record. */
  readonly end: number;
}

/**
 * What {@link readRecordAt} finds at an offset:
 * - `intact`: a whole record with good checksums;
 * - `short`: the bytes end inside the header, or inside a payload whose verified header
 *   claims more bytes than remain (a write cut short);
 * - `badHeader`: the header checksum fails, so its length cannot be trusted;
 * - `badPayload`: the header is good but the payload checksum fails; `end` is where the
 *   next record would start.
 */
export type RecordProbe =
  | IntactRecord
  | { readonly kind: 'short' }
  | { readonly kind: 'badHeader' }
  | { readonly kind: 'badPayload'; readonly end: number };

/** Reads and verifies the record starting at `offset` of `buf`. Never throws. */
export function readRecordAt(buf: Buffer, offset: number): RecordProbe {
  if (buf.length - offset < RECORD_HEADER_BYTES) return { kind: 'short' };
  if (!headerIsValid(buf, offset)) return { kind: 'badHeader' };
  const length = buf.readUInt32LE(offset);
  const payloadStart = offset + RECORD_HEADER_BYTES;
  const end = payloadStart + length;
  if (end > buf.length) return { kind: 'short' };
  const payload = buf.subarray(payloadStart, end);
  if (crc32(payload) !== buf.readUInt32LE(offset + 9)) return { kind: 'badPayload', end };
  return { kind: 'intact', type: buf[offset + 4] as RecordTypeCode, payload, end };
}

/**
 * The offset of the first intact record starting at or after `from`, or -1. Used to tell
 * a damaged tail (nothing valid follows) from damage in the middle of the log.
 */
export function findIntactRecord(buf: Buffer, from: number): number {
  const last = buf.length - RECORD_HEADER_BYTES;
  for (let at = from; at <= last; at++) {
    // Cheap plausibility checks first: zero fill and random bytes rarely get past them.
    const type = buf[at + 4]!;
    if (type === 0 || type > MAX_TYPE) continue;
    const length = buf.readUInt32LE(at);
    if (length === 0 || length > last - at) continue;
    if (readRecordAt(buf, at).kind === 'intact') return at;
  }
  return -1;
}

function headerIsValid(buf: Buffer, offset: number): boolean {
  const type = buf[offset + 4]!;
  if (type === 0 || type > MAX_TYPE) return false;
  return crc32(buf.subarray(offset, offset + 5)) === buf.readUInt32LE(offset + 5);
}
