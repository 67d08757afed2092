/** Thrown when bytes end early or hold a value no writer produces. */
export class DecodeError extends Error {
  constructor(detail: string) {
    super(`malformed raft encoding: ${detail}`);
    this.name = 'DecodeError';
  }
}

/** Reads what {@link ByteWriter} wrote, throwing {@link DecodeError} on truncation. */
export class ByteReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  uvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result))
          throw new DecodeError('varint exceeds safe integer range');
        return result;
      }
      scale *= 0x80;
    }
    throw new DecodeError('varint longer than 8 bytes');
  }

  u8(): number {
    const byte = this.buf[this.pos];
    if (byte === undefined) throw new DecodeError(`unexpected end at offset ${this.pos}`);
    this.pos++;
    return byte;
  }

  u32(): number {
    const end = this.take(4);
    const b = this.buf;
    return (
      ((b[end - 4]! | (b[end - 3]! << 8) | (b[end - 2]! << 16)) + b[end - 1]! * 0x1000000) >>> 0
    );
  }

  /** A length-prefixed byte string, as a view into the source (no copy). */
  bytes(): Uint8Array {
    const n = this.uvarint();
    const end = this.take(n);
    return this.buf.subarray(end - n, end);
  }

  private take(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new DecodeError(`need ${n} bytes at offset ${this.pos}, have ${this.remaining}`);
    }
    this.pos += n;
    return this.pos;
  }
}
