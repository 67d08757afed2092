import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { ShoalError } from '../../../base/errors.ts';

/** The Docker Engine API version shoal's executor speaks. */
export const DOCKER_API_VERSION = 'v1.41';

/** The engine's default socket. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** Options of one Engine API request. */
export interface DockerRequest {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Abort the request when this fires (a stream's end, or a caller's deadline). */
  readonly signal?: AbortSignal;
}

/** An error answer of the engine: its HTTP status and its `message`. */
export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DockerApiError';
  }
}

/** A {@link DockerApiError} as the executor's `EXECUTOR_ENGINE_ERROR`; other errors as they are. */
export function engineError(err: unknown, what: string): unknown {
  if (err instanceof DockerApiError) {
    return new ShoalError('EXECUTOR_ENGINE_ERROR', `${what}: ${err.message}`, { cause: err });
  }
  return err;
}

/** Whether `err` is the engine answering one of `statuses`. */
export function isStatus(err: unknown, ...statuses: number[]): boolean {
  return err instanceof DockerApiError && statuses.includes(err.status);
}

function withQuery(path: string, query: DockerRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return `/${DOCKER_API_VERSION}${path}${text === '' ? '' : `?${text}`}`;
}

async function readBody(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errorMessage(body: Buffer, status: number): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: use the text itself.
  }
  const text = body.toString('utf8').trim();
  return text === '' ? `Docker engine answered ${status}` : text;
}

/**
 * A minimal client of the Docker Engine API over its unix socket (`node:http` with
 * `socketPath`; no dependency). `json` and `call` read the whole answer; `stream` hands back
 * the response for logs, events and pulls. A status ≥ 400 becomes a {@link DockerApiError};
 * an engine that does not answer becomes a retryable `EXECUTOR_ENGINE_UNAVAILABLE`.
 */
export class DockerClient {
  constructor(readonly socketPath: string = DEFAULT_DOCKER_SOCKET) {}

  /** Sends a request and returns the parsed JSON answer (`undefined` for an empty one). */
  async json<T>(method: string, path: string, options: DockerRequest = {}): Promise<T> {
    const { body } = await this.call(method, path, options);
    return (body.length === 0 ? undefined : JSON.parse(body.toString('utf8'))) as T;
  }

  /** Sends a request and reads the whole answer; throws on a status ≥ 400. */
  async call(
    method: string,
    path: string,
    options: DockerRequest = {},
  ): Promise<{ status: number; body: Buffer }> {
    const response = await this.stream(method, path, options);
    return { status: response.statusCode ?? 0, body: await readBody(response) };
  }

  /** Sends a request and resolves with the open response once its status is known. */
  async stream(
    method: string,
    path: string,
    options: DockerRequest = {},
  ): Promise<IncomingMessage> {
    const response = await this.send(method, path, options);
    const status = response.statusCode ?? 0;
    if (status >= 400)
      throw new DockerApiError(status, errorMessage(await readBody(response), status));
    return response;
  }

  private send(method: string, path: string, options: DockerRequest): Promise<IncomingMessage> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path: withQuery(path, options.query),
          headers: {
            Host: 'docker',
            ...(payload === undefined
              ? {}
              : {
                  'Content-Type': 'application/json',
                  'Content-Length': Buffer.byteLength(payload),
                }),
          },
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
        resolve,
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.name === 'AbortError') reject(err);
        else
          reject(
            new ShoalError(
              'EXECUTOR_ENGINE_UNAVAILABLE',
              `cannot reach the Docker engine at ${this.socketPath}: ${err.code ?? err.message}`,
              { status: 503, retryable: true, cause: err },
            ),
          );
      });
      req.end(payload);
    });
  }
}
