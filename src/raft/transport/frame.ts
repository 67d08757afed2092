import { ByteReader, ByteWriter, DecodeError } from '../codec/index.ts';
import type { NodeId } from '../core/types.ts';

/**
 * The TCP wire format. A stream is a sequence of frames:
 *
 *     u32 LE length | u8 kind | body (length - 1 bytes)
 *
 * The first frame on a connection is a {@link Hello}; every later frame carries one Raft
 * message encoded with `encodeMessage`. Connections are one-way: the dialling member sends,
 * the accepting member only reads.
 */
export const FrameKind = { hello: 1, message: 2 } as const;

/** A frame kind byte; see {@link FrameKind}. */
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Default bound on a frame's length field, which counts the kind byte and the body. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

const HEADER_BYTES = 5;
const HELLO_MAGIC = 0x54465253; // "SRFT" little-endian: shoal raft transport
const HELLO_VERSION = 1;

/** One decoded frame; `body` is a private copy owned by the caller. */
export interface Frame {
  readonly kind: number;
  readonly body: Buffer;
}

/** A frame that breaks the wire format; the connection that carried it must be closed. */
export class FrameError extends Error {
  constructor(detail: string) {
    super(`malformed raft transport frame: ${detail}`);
    this.name = 'FrameError';
  }
}

/** Concatenates frames into one buffer, so a whole batch goes out in a single write. */
export function encodeFrames(frames: readonly Frame[]): Buffer {
  let total = 0;
  for (const f of frames) total += HEADER_BYTES + f.body.length;
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const f of frames) {
    out.writeUInt32LE(f.body.length + 1, pos);
    out[pos + 4] = f.kind;
    f.body.copy(out, pos + HEADER_BYTES);
    pos += HEADER_BYTES + f.body.length;
  }
  return out;
}

/** The size a body of `bodyBytes` occupies in the length field (kind byte included). */
export function frameLength(bodyBytes: number): number {
  return bodyBytes + 1;
}

/**
 * Splits a byte stream into frames. Chunks may cut frames anywhere; a frame is copied out
 * once complete, so partial frames cost no repeated copying. Throws {@link FrameError} as
 * soon as a length field is zero or above `maxFrameBytes`, before buffering that frame;
 * after a throw the decoder must be discarded with its connection.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received and not yet returned as frames. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Adds a chunk and hands every frame it completes to `onFrame`, in stream order. Frames
   * before a malformed length are handed over before the {@link FrameError} is thrown.
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (this.buffered >= 4) {
      const length = this.contiguous(4).readUInt32LE(0);
      if (length === 0) throw new FrameError('zero-length frame');
      if (length > this.maxFrameBytes) {
        throw new FrameError(
          `frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`,
        );
      }
      if (this.buffered < 4 + length) return;
      const head = this.contiguous(4 + length);
      const frame = { kind: head[4]!, body: Buffer.from(head.subarray(HEADER_BYTES, 4 + length)) };
      this.consume(4 + length);
      onFrame(frame);
    }
  }

  /** The first chunk, merged with the following ones until it holds at least `n` bytes. */
  private contiguous(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const merged = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [merged];
    return merged;
  }

  private consume(n: number): void {
    const rest = this.chunks[0]!.subarray(n);
    if (rest.length === 0) this.chunks.shift();
    else this.chunks[0] = rest;
    this.buffered -= n;
  }
}

/** The first frame of a connection: who dials whom. */
export interface Hello {
  readonly from: NodeId;
  readonly to: NodeId;
}

/** The body of a hello frame: magic, version, then both member IDs. */
export function encodeHello(hello: Hello): Buffer {
  const w = new ByteWriter(16);
  w.u32(HELLO_MAGIC);
  w.u8(HELLO_VERSION);
  w.uvarint(hello.from);
  w.uvarint(hello.to);
  return w.finish();
}

/** Parses a hello body; throws {@link FrameError} on a wrong magic, version or shape. */
export function decodeHello(body: Uint8Array): Hello {
  try {
    const r = new ByteReader(body);
    if (r.u32() !== HELLO_MAGIC) throw new FrameError('hello has the wrong magic number');
    const version = r.u8();
    if (version !== HELLO_VERSION) throw new FrameError(`unsupported transport version ${version}`);
    const hello = { from: r.uvarint(), to: r.uvarint() };
    if (r.remaining !== 0) throw new FrameError('trailing bytes after hello');
    if (hello.from === 0) throw new FrameError('hello from member 0');
    return hello;
  } catch (err) {
    if (err instanceof DecodeError) throw new FrameError(err.message);
    throw err;
  }
}
