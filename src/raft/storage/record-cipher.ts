import { ByteWriter, DecodeError } from '../codec/index.ts';
import { RECORD_HEADER_BYTES, RecordType, beginRecord, endRecord } from './wal-record.ts';
import type { RecordTypeCode } from './wal-record.ts';

/**
 * Authenticated encryption of record payloads, under one data encryption key.
 *
 * - `seal` returns a fresh buffer holding `plain` encrypted and authenticated together with
 *   `associatedData`; sealing the same input twice gives different bytes (fresh nonce).
 *   Neither argument is modified or retained.
 * - `open` returns the plaintext, and throws (any error) unless `sealed` came from `seal`
 *   with the same key and byte-identical `associatedData`: altered bytes, a record moved to
 *   another position, or another key all fail.
 * - `keyId` names the key and is stored on disk in the clear: it must never reveal the key.
 */
export interface RecordCipher {
  readonly keyId: string;
  seal(plain: Uint8Array, associatedData: Uint8Array): Uint8Array;
  open(sealed: Uint8Array, associatedData: Uint8Array): Uint8Array;
}

/** What associated data binds a sealed payload to; values are on disk: never renumber. */
const Domain = { walRecord: 1, snapshotFile: 2, keyCheck: 3 } as const;

/**
 * The associated data of a WAL record: its type, segment sequence number and byte offset in
 * the segment. A record copied to another place, or given another type, no longer opens.
 */
export function walRecordContext(type: RecordTypeCode, seq: number, offset: number): Buffer {
  return context(Domain.walRecord, type, seq, offset);
}

/** The associated data of a snapshot file: it opens only under its own `<term>-<index>` name. */
export function snapshotContext(term: number, index: number): Buffer {
  return context(Domain.snapshotFile, RecordType.snapshot, term, index);
}

/** The associated data of the key check value stored in the directory's encryption header. */
export function keyCheckContext(): Buffer {
  return context(Domain.keyCheck, 0, 0, 0);
}

function context(domain: number, type: number, a: number, b: number): Buffer {
  const buf = Buffer.allocUnsafe(18);
  buf[0] = domain;
  buf[1] = type;
  buf.writeBigUInt64LE(BigInt(a), 2);
  buf.writeBigUInt64LE(BigInt(b), 10);
  return buf;
}

/**
 * Re-frames well-formed plaintext records (as `encodeUpdate` makes them) with sealed payloads,
 * for writing at byte `baseOffset` of segment `seq`. Framing and checksums cover the sealed
 * bytes, so recovery tells a torn tail from corruption exactly as for a plaintext log.
 */
export function sealWalRecords(
  plain: Buffer,
  cipher: RecordCipher,
  seq: number,
  baseOffset: number,
): Buffer {
  const w = new ByteWriter(plain.length + 64);
  for (let at = 0; at < plain.length;) {
    const length = plain.readUInt32LE(at);
    const type = plain[at + 4] as RecordTypeCode;
    const payloadStart = at + RECORD_HEADER_BYTES;
    const payload = plain.subarray(payloadStart, payloadStart + length);
    const start = beginRecord(w);
    w.raw(cipher.seal(payload, walRecordContext(type, seq, baseOffset + start)));
    endRecord(w, start, type);
    at = payloadStart + length;
  }
  return w.view();
}

/** A snapshot file's single record re-framed with its payload sealed (see `snapshotContext`). */
export function sealSnapshotRecord(
  plain: Buffer,
  cipher: RecordCipher,
  term: number,
  index: number,
): Buffer {
  const payload = plain.subarray(RECORD_HEADER_BYTES);
  const sealed = cipher.seal(payload, snapshotContext(term, index));
  const w = new ByteWriter(sealed.length + RECORD_HEADER_BYTES);
  const start = beginRecord(w);
  w.raw(sealed);
  endRecord(w, start, RecordType.snapshot);
  return w.view();
}

/**
 * Opens a sealed payload, reporting failure as a DecodeError (so that a WAL record that fails
 * authentication is reported like any other malformed record: corruption at its offset).
 */
export function openPayload(
  cipher: RecordCipher,
  sealed: Uint8Array,
  associatedData: Uint8Array,
): Buffer {
  let plain: Uint8Array;
  try {
    plain = cipher.open(sealed, associatedData);
  } catch {
    throw new DecodeError(
      `payload fails authentication under key ${cipher.keyId} (altered, moved, or sealed with another key)`,
    );
  }
  return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
}
