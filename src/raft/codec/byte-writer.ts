/**
 * An append-only little-endian byte buffer that grows as needed. Integers are written as
 * unsigned LEB128 varints (Raft indexes, terms and IDs are non-negative safe integers).
 */
export class ByteWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  uvarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`uvarint needs a non-negative safe integer, got ${value}`);
    }
    this.reserve(8);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buf[this.len++] = value & 0xff;
  }

  u32(value: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(value >>> 0, this.len);
    this.len += 4;
  }

  /** A length-prefixed byte string. */
  bytes(value: Uint8Array): void {
    this.uvarint(value.length);
    this.raw(value);
  }

  /** Bytes with no length prefix. */
  raw(value: Uint8Array): void {
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
  }

  /** A view of what was written; valid until the next write. */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** A copy of what was written. */
  finish(): Buffer {
    return Buffer.from(this.view());
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + extra));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}
