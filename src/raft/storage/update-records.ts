import {
  ByteReader,
  ByteWriter,
  DecodeError,
  readEntry,
  readHardState,
  readSnapshot,
  readSnapshotMetadata,
  writeEntry,
  writeHardState,
  writeSnapshot,
  writeSnapshotMetadata,
} from '../codec/index.ts';
import type { Entry, HardState, Snapshot, SnapshotMetadata } from '../core/types.ts';
import type { DurableUpdate } from './types.ts';
import { RecordType, beginRecord, endRecord } from './wal-record.ts';

/**
 * Encodes one update as framed records into a fresh buffer, in the order the Ready contract
 * demands: snapshot marker, entries, hard state. `leadingHardState` (the state current before
 * the update) is written first when given: a new segment opens with it so that removing older
 * segments never loses the hard state. Returns a view valid until `w` is written again.
 */
export function encodeUpdate(update: DurableUpdate, leadingHardState?: HardState): Buffer {
  const w = new ByteWriter(estimateBytes(update));
  if (leadingHardState) writeHardStateRecord(w, leadingHardState);
  if (update.snapshot) {
    const start = beginRecord(w);
    writeSnapshotMetadata(w, update.snapshot.metadata);
    endRecord(w, start, RecordType.snapshotMarker);
  }
  if (update.entries.length > 0) {
    const start = beginRecord(w);
    w.uvarint(update.entries.length);
    for (const e of update.entries) writeEntry(w, e);
    endRecord(w, start, RecordType.entries);
  }
  if (update.hardState) writeHardStateRecord(w, update.hardState);
  return w.view();
}

/** A snapshot as the single record of a `.snap` file. */
export function encodeSnapshotFile(snapshot: Snapshot): Buffer {
  const w = new ByteWriter(snapshot.data.length + 64);
  const start = beginRecord(w);
  writeSnapshot(w, snapshot);
  endRecord(w, start, RecordType.snapshot);
  return w.view();
}

/**
 * Decodes an `entries` payload. Entry data are copied, so the result does not pin the
 * segment's buffer. Throws DecodeError on malformed bytes or non-contiguous indexes.
 */
export function decodeEntries(payload: Uint8Array): Entry[] {
  const r = new ByteReader(payload);
  const count = r.uvarint();
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const e = readEntry(r);
    const prev = entries[entries.length - 1];
    if (prev && e.index !== prev.index + 1) {
      throw new DecodeError(`entry ${e.index} follows entry ${prev.index}`);
    }
    // A Buffer's slice() is a view; the Uint8Array constructor copies.
    entries.push({ ...e, data: new Uint8Array(e.data) });
  }
  expectEnd(r);
  if (entries.length === 0) throw new DecodeError('entries record holds no entry');
  return entries;
}

/** Decodes a `hardState` payload; throws DecodeError on malformed bytes. */
export function decodeHardState(payload: Uint8Array): HardState {
  const r = new ByteReader(payload);
  const hs = readHardState(r);
  expectEnd(r);
  return hs;
}

/** Decodes a `snapshotMarker` payload; throws DecodeError on malformed bytes. */
export function decodeSnapshotMarker(payload: Uint8Array): SnapshotMetadata {
  const r = new ByteReader(payload);
  const meta = readSnapshotMetadata(r);
  expectEnd(r);
  return meta;
}

/** Decodes a `snapshot` payload, copying the data; throws DecodeError on malformed bytes. */
export function decodeSnapshotFile(payload: Uint8Array): Snapshot {
  const r = new ByteReader(payload);
  const snap = readSnapshot(r);
  expectEnd(r);
  return { metadata: snap.metadata, data: new Uint8Array(snap.data) };
}

function writeHardStateRecord(w: ByteWriter, hs: HardState): void {
  const start = beginRecord(w);
  writeHardState(w, hs);
  endRecord(w, start, RecordType.hardState);
}

function expectEnd(r: ByteReader): void {
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} trailing bytes in record`);
}

function estimateBytes(update: DurableUpdate): number {
  let bytes = 128;
  for (const e of update.entries) bytes += e.data.length + 24;
  return bytes;
}
