import { request as httpRequest } from 'node:http';
import type { Agent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../src/base/clock.ts';
import { JsonLogger } from '../../../src/base/logger.ts';
import { ApiServer } from '../../../src/server/api-server.ts';
import type { ApiServerOptions } from '../../../src/server/api-server.ts';
import { Router } from '../../../src/server/router.ts';

/** A started server on a unix socket in a temp dir, with the lines its logger wrote. */
export interface TestServer {
  readonly server: ApiServer;
  readonly socketPath: string;
  readonly dir: string;
  readonly logLines: readonly Record<string, unknown>[];
  /** Stops the server and removes the temp dir. */
  close(): Promise<void>;
}

export const testIdentity = { version: '0.1.0-test' } as const;

/** Starts an ApiServer whose routes `register` adds, on `<tempdir>/api.sock`. */
export async function startTestServer(
  register: (router: Router) => void,
  options: Partial<Omit<ApiServerOptions, 'router'>> = {},
  clock?: Clock,
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-server-'));
  const socketPath = join(dir, 'api.sock');
  const router = new Router();
  register(router);
  const logLines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('debug', {}, (line) => {
    logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const server = new ApiServer(
    { identity: testIdentity, socketPath, ...options, router },
    clock === undefined ? { logger } : { logger, clock },
  );
  await server.start();
  return {
    server,
    socketPath,
    dir,
    logLines,
    close: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A whole response as the client saw it. */
export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  json(): unknown;
}

export interface TestRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly agent?: Agent;
}

/** Sends one request over the unix socket and reads the whole response. */
export async function send(socketPath: string, req: TestRequest): Promise<TestResponse> {
  const res = await open(socketPath, req);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const text = body.toString('utf8');
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    body,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

/** Sends one request and resolves with the response as soon as its headers arrive. */
export function open(socketPath: string, req: TestRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        socketPath,
        method: req.method ?? 'GET',
        path: req.path,
        headers: req.headers ?? {},
        ...(req.agent === undefined ? { agent: false } : { agent: req.agent }),
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** Rejects if `promise` has not settled within `ms` wall-clock milliseconds (a hang guard, not a timing check). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
