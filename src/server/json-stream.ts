import { apiVersionAtLeast } from './api-version.ts';
import type { ApiVersion } from './api-version.ts';
import type { RequestContext } from './request-context.ts';
import { ResponseStream } from './response-stream.ts';

/** The media types a client may ask for by name in `Accept` (JSON Lines, NDJSON, JSON text sequences). */
export const jsonStreamMediaTypes = [
  'application/jsonl',
  'application/x-ndjson',
  'application/json-seq',
] as const;

/**
 * The Content-Type of a JSON object stream such as `/events`, as the Engine picks it: one of
 * {@link jsonStreamMediaTypes} when the `Accept` header names it explicitly (wildcards do not
 * count; the highest q wins, then the order above), else `application/jsonl` from API 1.52
 * and `application/json` before (what v1.41 clients get).
 */
export function jsonStreamContentType(apiVersion: ApiVersion, accept: string | undefined): string {
  let best: string | undefined;
  let bestQ = -1;
  const offers = parseAccept(accept ?? '');
  for (const type of jsonStreamMediaTypes) {
    for (const offer of offers) {
      if (offer.type === type && offer.q > 0 && offer.q > bestQ) {
        best = type;
        bestQ = offer.q;
      }
    }
  }
  return best ?? (apiVersionAtLeast(apiVersion, '1.52') ? 'application/jsonl' : 'application/json');
}

function parseAccept(header: string): { type: string; q: number }[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      const qParam = params.find((p) => p.toLowerCase().startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { type: type.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((offer) => offer.type !== '');
}

/**
 * A stream of JSON objects, one per line, each sent to the client as soon as it is written
 * (the `/events` shape). With `application/json-seq` each record is also prefixed with the
 * RS byte (RFC 7464). Ends as {@link ResponseStream} does.
 */
export class JsonStream {
  private readonly stream: ResponseStream;
  private readonly sequence: boolean;

  /** Starts the response; `contentType` defaults to {@link jsonStreamContentType} for the request. */
  constructor(ctx: RequestContext, contentType?: string) {
    const type = contentType ?? jsonStreamContentType(ctx.apiVersion, ctx.request.headers.accept);
    this.stream = new ResponseStream(ctx, type);
    this.sequence = type === 'application/json-seq';
  }

  /** Aborted once the stream has ended (client gone, server stopping, or `end()`). */
  get signal(): AbortSignal {
    return this.stream.signal;
  }

  /** True once nothing more can be written. */
  get closed(): boolean {
    return this.stream.closed;
  }

  /** Sends one object; resolves as {@link ResponseStream.write} does and never rejects. */
  send(value: unknown): Promise<void> {
    const line = JSON.stringify(value) + '\n';
    return this.stream.write(this.sequence ? '\x1e' + line : line);
  }

  /** Ends the stream. Idempotent. */
  end(): void {
    this.stream.end();
  }
}
