import type { ConfChange, ConfChangeType } from './types.ts';

/** Thrown when bytes are not a ConfChange written by {@link encodeConfChange}. */
export class ConfChangeDecodeError extends Error {
  constructor(detail: string) {
    super(`malformed conf change: ${detail}`);
    this.name = 'ConfChangeDecodeError';
  }
}

const VERSION = 1;
const TYPE_CODES: readonly ConfChangeType[] = ['addVoter', 'addLearner', 'removeNode'];
const HAS_CONTEXT = 1;

/**
 * Encodes a ConfChange as the data of a `confChange` entry: a version byte, the type code,
 * a flags byte, the node ID as an unsigned LEB128 varint and, when present, the context as
 * a varint length followed by its bytes. The encoding is stable across releases.
 */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out: number[] = [
    VERSION,
    TYPE_CODES.indexOf(cc.type),
    cc.context === undefined ? 0 : HAS_CONTEXT,
  ];
  pushVarint(out, cc.nodeId);
  if (cc.context !== undefined) {
    pushVarint(out, cc.context.byteLength);
    const head = Uint8Array.from(out);
    const result = new Uint8Array(head.byteLength + cc.context.byteLength);
    result.set(head, 0);
    result.set(cc.context, head.byteLength);
    return result;
  }
  return Uint8Array.from(out);
}

/** Decodes what {@link encodeConfChange} wrote; throws {@link ConfChangeDecodeError} otherwise. */
export function decodeConfChange(data: Uint8Array): ConfChange {
  const reader = { pos: 0 };
  const version = readByte(data, reader);
  if (version !== VERSION) throw new ConfChangeDecodeError(`unknown version ${version}`);
  const type = TYPE_CODES[readByte(data, reader)];
  if (type === undefined) throw new ConfChangeDecodeError('unknown type code');
  const flags = readByte(data, reader);
  if ((flags & ~HAS_CONTEXT) !== 0) throw new ConfChangeDecodeError(`unknown flags ${flags}`);
  const nodeId = readVarint(data, reader);
  if ((flags & HAS_CONTEXT) === 0) {
    if (reader.pos !== data.byteLength) throw new ConfChangeDecodeError('trailing bytes');
    return { type, nodeId };
  }
  const length = readVarint(data, reader);
  if (reader.pos + length !== data.byteLength)
    throw new ConfChangeDecodeError('context length mismatch');
  return { type, nodeId, context: data.slice(reader.pos) };
}

function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`not a non-negative safe integer: ${value}`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readByte(data: Uint8Array, reader: { pos: number }): number {
  const byte = data[reader.pos];
  if (byte === undefined) throw new ConfChangeDecodeError(`unexpected end at ${reader.pos}`);
  reader.pos++;
  return byte;
}

function readVarint(data: Uint8Array, reader: { pos: number }): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const byte = readByte(data, reader);
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (!Number.isSafeInteger(result)) throw new ConfChangeDecodeError('varint out of range');
      return result;
    }
    scale *= 0x80;
  }
  throw new ConfChangeDecodeError('varint too long');
}
