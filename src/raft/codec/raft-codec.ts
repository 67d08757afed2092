import type {
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  Snapshot,
  SnapshotMetadata,
} from '../core/types.ts';
import { ByteReader, DecodeError } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * Binary encodings of the Raft vocabulary, shared by the WAL and the network transport.
 * Decoded byte fields are views into the source buffer: copy them if the source is reused.
 */

const entryTypes: readonly EntryType[] = ['normal', 'confChange'];
/** Every message type, in wire order: a type's position is its code, so append only. */
export const wireMessageTypes: readonly MessageType[] = [
  'hup',
  'beat',
  'checkQuorum',
  'prop',
  'app',
  'appResp',
  'vote',
  'voteResp',
  'preVote',
  'preVoteResp',
  'snap',
  'heartbeat',
  'heartbeatResp',
  'transferLeader',
  'timeoutNow',
  'readIndex',
  'readIndexResp',
  'snapStatus',
  'unreachable',
];
const messageTypeCode = new Map(wireMessageTypes.map((t, i) => [t, i]));

function enumAt<T>(table: readonly T[], code: number, what: string): T {
  const value = table[code];
  if (value === undefined) throw new DecodeError(`unknown ${what} code ${code}`);
  return value;
}

export function writeEntry(w: ByteWriter, e: Entry): void {
  w.uvarint(e.term);
  w.uvarint(e.index);
  w.u8(e.type === 'normal' ? 0 : 1);
  w.bytes(e.data);
}

export function readEntry(r: ByteReader): Entry {
  const term = r.uvarint();
  const index = r.uvarint();
  const type = enumAt(entryTypes, r.u8(), 'entry type');
  return { term, index, type, data: r.bytes() };
}

export function writeHardState(w: ByteWriter, hs: HardState): void {
  w.uvarint(hs.term);
  w.uvarint(hs.vote);
  w.uvarint(hs.commit);
}

export function readHardState(r: ByteReader): HardState {
  return { term: r.uvarint(), vote: r.uvarint(), commit: r.uvarint() };
}

function writeIds(w: ByteWriter, ids: readonly number[]): void {
  w.uvarint(ids.length);
  for (const id of ids) w.uvarint(id);
}

function readIds(r: ByteReader): number[] {
  const n = r.uvarint();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(r.uvarint());
  return ids;
}

export function writeConfState(w: ByteWriter, cs: ConfState): void {
  writeIds(w, cs.voters);
  writeIds(w, cs.learners);
}

export function readConfState(r: ByteReader): ConfState {
  return { voters: readIds(r), learners: readIds(r) };
}

export function writeSnapshotMetadata(w: ByteWriter, m: SnapshotMetadata): void {
  w.uvarint(m.index);
  w.uvarint(m.term);
  writeConfState(w, m.confState);
}

export function readSnapshotMetadata(r: ByteReader): SnapshotMetadata {
  return { index: r.uvarint(), term: r.uvarint(), confState: readConfState(r) };
}

export function writeSnapshot(w: ByteWriter, s: Snapshot): void {
  writeSnapshotMetadata(w, s.metadata);
  w.bytes(s.data);
}

export function readSnapshot(r: ByteReader): Snapshot {
  return { metadata: readSnapshotMetadata(r), data: r.bytes() };
}

const FLAG_REJECT = 1;
const FLAG_SNAPSHOT = 2;
const FLAG_CONTEXT = 4;

export function writeMessage(w: ByteWriter, m: Message): void {
  w.u8(messageTypeCode.get(m.type) ?? 0);
  const flags =
    (m.reject ? FLAG_REJECT : 0) |
    (m.snapshot ? FLAG_SNAPSHOT : 0) |
    (m.context ? FLAG_CONTEXT : 0);
  w.u8(flags);
  w.uvarint(m.to);
  w.uvarint(m.from);
  w.uvarint(m.term);
  w.uvarint(m.logTerm);
  w.uvarint(m.index);
  w.uvarint(m.commit);
  w.uvarint(m.rejectHint);
  w.uvarint(m.entries.length);
  for (const e of m.entries) writeEntry(w, e);
  if (m.snapshot) writeSnapshot(w, m.snapshot);
  if (m.context) w.bytes(m.context);
}

export function readMessage(r: ByteReader): Message {
  const type = enumAt(wireMessageTypes, r.u8(), 'message type');
  const flags = r.u8();
  const to = r.uvarint();
  const from = r.uvarint();
  const term = r.uvarint();
  const logTerm = r.uvarint();
  const index = r.uvarint();
  const commit = r.uvarint();
  const rejectHint = r.uvarint();
  const count = r.uvarint();
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) entries.push(readEntry(r));
  const base = {
    type,
    to,
    from,
    term,
    logTerm,
    index,
    commit,
    rejectHint,
    entries,
    reject: (flags & FLAG_REJECT) !== 0,
  };
  const snapshot = flags & FLAG_SNAPSHOT ? readSnapshot(r) : undefined;
  const context = flags & FLAG_CONTEXT ? r.bytes() : undefined;
  return {
    ...base,
    ...(snapshot ? { snapshot } : {}),
    ...(context ? { context } : {}),
  };
}

/** One message as a standalone byte string. */
export function encodeMessage(m: Message): Buffer {
  const w = new ByteWriter(64 + m.entries.reduce((n, e) => n + e.data.length + 16, 0));
  writeMessage(w, m);
  return w.finish();
}

/** The inverse of {@link encodeMessage}; throws DecodeError on malformed input or trailing bytes. */
export function decodeMessage(bytes: Uint8Array): Message {
  const r = new ByteReader(bytes);
  const m = readMessage(r);
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} trailing bytes after message`);
  return m;
}
