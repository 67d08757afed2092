import { apiVersionAtLeast } from './api-version.ts';
import type { ApiVersion } from './api-version.ts';
import type { RequestContext } from './request-context.ts';
import { ResponseStream } from './response-stream.ts';

/** The stream a multiplexed frame belongs to, with its header byte: stdin 0, stdout 1, stderr 2, system error 3. */
export const streamTypes = { stdin: 0, stdout: 1, stderr: 2, system: 3 } as const;

/** A stream name of {@link streamTypes}. */
export type StreamType = keyof typeof streamTypes;

/** The size of a frame header. */
export const FRAME_HEADER_BYTES = 8;

/**
 * One frame of Docker's multiplexed stdout/stderr framing: an 8-byte header (the stream type
 * byte, three zero bytes, the payload length as a big-endian uint32) followed by the payload.
 * Throws a RangeError for payloads of 4 GiB or more, which the header cannot describe.
 */
export function encodeFrame(type: StreamType, payload: Uint8Array): Buffer {
  if (payload.length > 0xffff_ffff) throw new RangeError('a frame payload must be under 4 GiB');
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  frame[0] = streamTypes[type];
  frame.writeUInt32BE(payload.length, 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * The Content-Type of a log stream as the Engine sets it: the multiplexed type for non-TTY
 * output from API 1.42, otherwise `application/vnd.docker.raw-stream`. Clients of 1.41 and
 * older do not read it: they choose framing from the service's or task's `TTY` setting, which
 * is also what decides framing here.
 */
export function logStreamContentType(apiVersion: ApiVersion, tty: boolean): string {
  return !tty && apiVersionAtLeast(apiVersion, '1.42')
    ? 'application/vnd.docker.multiplexed-stream'
    : 'application/vnd.docker.raw-stream';
}

/**
 * A log response (`/services/{id}/logs`, `/tasks/{id}/logs`). Without a TTY every write is one
 * multiplexed frame; with a TTY bytes go out raw and stdout and stderr mix, as in the Engine.
 * Ends as {@link ResponseStream} does.
 */
export class LogStream {
  private readonly stream: ResponseStream;
  private readonly tty: boolean;

  /** Starts the response with {@link logStreamContentType} for the request's version. */
  constructor(ctx: RequestContext, options: { readonly tty: boolean }) {
    this.tty = options.tty;
    this.stream = new ResponseStream(ctx, logStreamContentType(ctx.apiVersion, options.tty));
  }

  /** Aborted once the stream has ended (client gone, server stopping, or `end()`). */
  get signal(): AbortSignal {
    return this.stream.signal;
  }

  /** True once nothing more can be written. */
  get closed(): boolean {
    return this.stream.closed;
  }

  /**
   * Sends `data` on stream `type` (a `system` write carries a server-side error the client
   * reports and stops on). Empty writes send nothing. Resolves as {@link ResponseStream.write}.
   */
  write(type: Exclude<StreamType, 'stdin'>, data: Uint8Array | string): Promise<void> {
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (payload.length === 0) return Promise.resolve();
    return this.stream.write(this.tty ? payload : encodeFrame(type, payload));
  }

  /** Ends the stream. Idempotent. */
  end(): void {
    this.stream.end();
  }
}
