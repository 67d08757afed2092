/**
 * The few bytes a {@link RaftNode} puts in front of each proposed payload, so the node
 * that proposed an entry recognises it when it is appended and applied:
 *
 *   byte 0       0xE1 (format marker and version)
 *   bytes 1-4    origin member ID, uint32 big-endian
 *   bytes 5-8    incarnation, uint32: random per start, so sequence numbers of a previous
 *                run of the same member, still in the log, never match a new proposal
 *   bytes 9-12   sequence number, uint32, per incarnation
 *   bytes 13-    the application's payload
 *
 * Reads never allocate except {@link envelopePayload}'s view.
 */

import { Buffer } from 'node:buffer';

/** Length of the header in front of the payload. */
export const ENVELOPE_HEADER_BYTES = 13;
const MARKER = 0xe1;

/** Who proposed an entry: the member, its incarnation and the proposal's sequence number. */
export interface EnvelopeOrigin {
  readonly origin: number;
  readonly incarnation: number;
}

function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

function readU32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

/** Returns a new buffer holding the header and a copy of `payload`; `seq` is taken mod 2^32. */
export function wrapProposal(from: EnvelopeOrigin, seq: number, payload: Uint8Array): Uint8Array {
  // Pooled allocation: an order of magnitude cheaper than `new Uint8Array` for small sizes,
  // and every byte is written below.
  const out = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + payload.length);
  out[0] = MARKER;
  writeU32(out, 1, from.origin);
  writeU32(out, 5, from.incarnation);
  writeU32(out, 9, seq >>> 0);
  out.set(payload, ENVELOPE_HEADER_BYTES);
  return out;
}

/** True when `data` starts with an envelope header (an empty no-op entry does not). */
export function hasEnvelope(data: Uint8Array): boolean {
  return data.length >= ENVELOPE_HEADER_BYTES && data[0] === MARKER;
}

/**
 * The sequence number of `data` when it was proposed by `from` (same member, same
 * incarnation); -1 otherwise, including for data without an envelope.
 */
export function ownSequence(data: Uint8Array, from: EnvelopeOrigin): number {
  if (!hasEnvelope(data)) return -1;
  if (readU32(data, 1) !== from.origin || readU32(data, 5) !== from.incarnation) return -1;
  return readU32(data, 9);
}

/**
 * The application's payload inside `data`: a view sharing `data`'s memory (do not mutate).
 * Data without an envelope (written by something other than a RaftNode) is returned as is.
 */
export function envelopePayload(data: Uint8Array): Uint8Array {
  return hasEnvelope(data) ? data.subarray(ENVELOPE_HEADER_BYTES) : data;
}
