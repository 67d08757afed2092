import type { TaskLogEntry } from '../executor.ts';

const HEADER = 8;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function entry(stream: 'stdout' | 'stderr', message: Buffer): TaskLogEntry {
  const space = message.indexOf(32);
  const stamp = space === -1 ? '' : message.subarray(0, space).toString('latin1');
  if (TIMESTAMP.test(stamp)) {
    return { stream, timestamp: stamp, data: new Uint8Array(message.subarray(space + 1)) };
  }
  return { stream, timestamp: '', data: new Uint8Array(message) };
}

/**
 * Splits the body of `GET /containers/{id}/logs?timestamps=1` into entries. Without a TTY
 * the engine multiplexes both streams in frames: an 8-byte header (stream 1 = stdout,
 * 2 = stderr; bytes 4-7 the payload size, big-endian) then the payload, one log message per
 * frame, each starting with its RFC 3339 timestamp and a space. With a TTY the body is raw
 * `timestamp text\n` lines, all stdout. Chunks may cut frames and lines anywhere: incomplete
 * ones wait for the next `push`; `end` flushes an unterminated last line.
 */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly multiplexed: boolean) {}

  /** The complete entries that `chunk` finishes. */
  push(chunk: Uint8Array): TaskLogEntry[] {
    this.pending =
      this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    return this.multiplexed ? this.frames() : this.lines(false);
  }

  /** What is left when the stream ends. */
  end(): TaskLogEntry[] {
    return this.multiplexed ? [] : this.lines(true);
  }

  private frames(): TaskLogEntry[] {
    const out: TaskLogEntry[] = [];
    let at = 0;
    while (this.pending.length - at >= HEADER) {
      const size = this.pending.readUInt32BE(at + 4);
      if (this.pending.length - at - HEADER < size) break;
      const kind = this.pending[at];
      const payload = this.pending.subarray(at + HEADER, at + HEADER + size);
      // Stream 0 (stdin) never carries output; anything else but 2 is treated as stdout.
      if (kind !== 0) out.push(entry(kind === 2 ? 'stderr' : 'stdout', payload));
      at += HEADER + size;
    }
    this.pending = this.pending.subarray(at);
    return out;
  }

  private lines(final: boolean): TaskLogEntry[] {
    const out: TaskLogEntry[] = [];
    let at = 0;
    for (;;) {
      const newline = this.pending.indexOf(10, at);
      if (newline === -1) break;
      out.push(entry('stdout', this.pending.subarray(at, newline + 1)));
      at = newline + 1;
    }
    if (final && at < this.pending.length) out.push(entry('stdout', this.pending.subarray(at)));
    this.pending = final ? Buffer.alloc(0) : this.pending.subarray(at);
    return out;
  }
}
