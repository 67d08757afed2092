/** One line of `service logs` as the daemon sends it with `details=true`. */
export interface ServiceLogLine {
  readonly stream: 'stdout' | 'stderr';
  /** The timestamp as sent (with `timestamps=true`), else undefined. */
  readonly timestamp?: string;
  /** The `com.docker.swarm.*` details of the line. */
  readonly details: Readonly<Record<string, string>>;
  readonly message: string;
}

/**
 * Splits a multiplexed log stream (8-byte frame headers: stream byte, three zero bytes,
 * big-endian length) into frames; `raw` streams (TTY services) have no headers. Keeps partial
 * frames between chunks: feed it every chunk, in order.
 */
export class LogDemuxer {
  private pending = Buffer.alloc(0);

  constructor(private readonly raw: boolean) {}

  /** The complete frames in `chunk` (plus what was pending), as (stream, text). */
  push(chunk: Buffer): { stream: 'stdout' | 'stderr'; text: string }[] {
    if (this.raw) return [{ stream: 'stdout', text: chunk.toString('utf8') }];
    this.pending = Buffer.concat([this.pending, chunk]);
    const frames: { stream: 'stdout' | 'stderr'; text: string }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      frames.push({ stream, text: this.pending.subarray(8, 8 + size).toString('utf8') });
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }
}

/**
 * Parses one frame's text (`[timestamp ]details message`) as docker's `service logs` does:
 * the details are comma-separated URL-encoded `key=value` pairs.
 */
export function parseLogLine(
  stream: 'stdout' | 'stderr',
  text: string,
  timestamps: boolean,
): ServiceLogLine {
  let rest = text;
  let timestamp: string | undefined;
  if (timestamps) {
    const space = rest.indexOf(' ');
    timestamp = space < 0 ? rest : rest.slice(0, space);
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  const space = rest.indexOf(' ');
  const context = space < 0 ? rest : rest.slice(0, space);
  const message = space < 0 ? '' : rest.slice(space + 1);
  const details: Record<string, string> = {};
  for (const pair of context.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0)
      details[decodeURIComponent(pair.slice(0, at))] = decodeURIComponent(pair.slice(at + 1));
  }
  return { stream, ...(timestamp === undefined ? {} : { timestamp }), details, message };
}
