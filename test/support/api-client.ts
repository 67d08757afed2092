import { request } from 'node:http';

/** A reply of the Engine API: status, headers and the parsed JSON body (or raw text). */
export interface ApiReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/**
 * A small JSON-over-unix-socket client for one daemon's Engine API (v1.41). Each call is one
 * HTTP request; a reply of any status resolves (tests look at `status`), while a socket that
 * refuses or a request slower than `timeoutMs` rejects, so a killed daemon fails fast.
 */
export class ApiClient {
  constructor(
    readonly socketPath: string,
    private readonly timeoutMs = 5_000,
  ) {}

  /** One call with an optional JSON body; `path` starts with `/` and excludes the version. */
  call(method: string, path: string, body?: unknown): Promise<ApiReply> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path: `/v1.41${path}`,
          headers: payload === undefined ? {} : { 'Content-Type': 'application/json' },
          timeout: this.timeoutMs,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              // Plain-text replies (/_ping) stay text.
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${path}: no reply in ${this.timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like {@link call}, but rejects unless the status is 2xx; resolves with the body. */
  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const reply = await this.call(method, path, body);
    if (reply.status < 200 || reply.status > 299) {
      throw new Error(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    return reply.body;
  }
}
