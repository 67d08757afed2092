import type { ServerResponse } from 'node:http';
import type { RequestContext } from './request-context.ts';

/**
 * A streaming 200 response: headers go out at once (clients wait for them before reading
 * events or logs), then each `write` goes to the socket as its own chunk. The stream ends
 * cleanly when `end()` is called, when the server stops, or, with nothing left to write to,
 * when the client goes away; `signal` tells producers to stop in every case.
 */
export class ResponseStream {
  private readonly res: ServerResponse;
  private readonly controller = new AbortController();

  /** Starts the response with `contentType`; the response must not have started yet. */
  constructor(ctx: RequestContext, contentType: string) {
    this.res = ctx.response;
    this.res.statusCode = 200;
    this.res.setHeader('Content-Type', contentType);
    this.res.flushHeaders();
    const stop = (): void => this.end();
    if (ctx.signal.aborted) stop();
    else ctx.signal.addEventListener('abort', stop, { once: true });
    this.res.once('close', () => {
      ctx.signal.removeEventListener('abort', stop);
      this.controller.abort();
    });
  }

  /** Aborted once the stream has ended for any reason; producers stop on it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once nothing more can be written. */
  get closed(): boolean {
    return this.controller.signal.aborted || this.res.writableEnded || this.res.destroyed;
  }

  /**
   * Sends one chunk. Resolves at once when the socket takes it, or after the socket drains
   * when it is backed up (so a slow client slows its producer, not the server's memory), or
   * when the stream closes. Writes after close are dropped; it never rejects.
   */
  write(chunk: Uint8Array | string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.res.write(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Ends the response (the terminating chunk goes out if the client is still there). Idempotent. */
  end(): void {
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
    this.controller.abort();
  }
}
