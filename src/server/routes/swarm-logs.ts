import type { TaskLogMessage } from '../../api/objects/log-message.ts';
import { statusOf } from '../../api/errors.ts';
import { ShoalError } from '../../base/errors.ts';
import { LogStream } from '../log-stream.ts';
import { queryBool } from '../query-params.ts';
import type { RequestContext } from '../request-context.ts';
import type { LogOptions, LogTarget, ServiceBackend } from '../service-backend.ts';

/** How each line of a swarm log stream is written (the query of a logs request). */
export interface LogLineOptions {
  readonly stdout: boolean;
  readonly stderr: boolean;
  /** Prefix each line with its time, RFC 3339 with nine fraction digits. */
  readonly timestamps: boolean;
  /** Prefix each line with its `com.docker.swarm.*.id` attributes (the docker CLI asks). */
  readonly details: boolean;
}

/** Docker's untyped (500) refusal of a logs query, as Engine 20.10 (API 1.41) answers it. */
function logQueryError(message: string, field: string): ShoalError {
  return new ShoalError('SERVICE_REQUEST_INVALID', message, {
    status: statusOf('SERVICE_REQUEST_INVALID'),
    field,
  });
}

function parseTail(raw: string | null): number | undefined {
  if (raw === null || raw === '' || raw === 'all') return undefined;
  if (!/^[+-]?\d+$/.test(raw)) {
    throw logQueryError('tail value must be a positive integer or "all"', 'tail');
  }
  const tail = Number(raw);
  if (tail < 0) throw logQueryError('negative tail values not supported', 'tail');
  return tail;
}

// `since` is what the docker CLI sends: Unix seconds with an optional fraction.
function parseSince(raw: string | null): number | undefined {
  if (raw === null || raw === '') return undefined;
  const found = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(raw);
  if (found === null) {
    throw logQueryError(
      `could not parse since timestamp: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`,
      'since',
    );
  }
  const fraction = (found[2] ?? '').padEnd(9, '0');
  return Number(found[1]) * 1000 + Math.floor(Number(fraction) / 1e6);
}

/**
 * Reads the query of a swarm logs request: `stdout`, `stderr`, `timestamps`, `details` and
 * `follow` as the Engine's loose booleans, `tail` (a count or `all`) and `since` (Unix seconds
 * with an optional fraction). Throws `SERVICE_REQUEST_INVALID` (500, as Engine 20.10 answers)
 * when neither stream is asked for ("Bad parameters: you must choose at least one stream") or
 * `tail` or `since` cannot be read.
 */
export function parseLogQuery(query: URLSearchParams): LogLineOptions & LogOptions {
  const stdout = queryBool(query, 'stdout');
  const stderr = queryBool(query, 'stderr');
  if (!stdout && !stderr) {
    throw logQueryError('Bad parameters: you must choose at least one stream', 'stdout');
  }
  const tail = parseTail(query.get('tail'));
  const since = parseSince(query.get('since'));
  return {
    stdout,
    stderr,
    timestamps: queryBool(query, 'timestamps'),
    details: queryBool(query, 'details'),
    follow: queryBool(query, 'follow'),
    ...(tail === undefined ? {} : { tail }),
    ...(since === undefined ? {} : { since }),
  };
}

/** RFC 3339 with exactly nine fraction digits (Docker's `RFC3339NanoFixed`); other text is kept. */
export function fixedNanoTimestamp(timestamp: string): string {
  const found = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (found === null) return timestamp;
  const fraction = (found[2] ?? '').padEnd(9, '0').slice(0, 9);
  return `${found[1] ?? ''}.${fraction}${found[3] ?? ''}`;
}

/**
 * One log line as the Engine writes it: `[timestamp ][details ]data`, where details are the
 * message's attributes sorted by key and query-escaped,
 * `com.docker.swarm.node.id=N,com.docker.swarm.service.id=S,com.docker.swarm.task.id=T`.
 * The data is passed through as the task wrote it (with its newline). Pure.
 */
export function formatLogLine(message: TaskLogMessage, options: LogLineOptions): Buffer {
  let prefix = '';
  if (options.timestamps) prefix += `${fixedNanoTimestamp(message.timestamp)} `;
  if (options.details) {
    const attrs = [
      ['com.docker.swarm.node.id', message.nodeId],
      ['com.docker.swarm.service.id', message.serviceId],
      ['com.docker.swarm.task.id', message.taskId],
    ] as const;
    prefix += attrs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join(',');
    prefix += ' ';
  }
  return Buffer.concat([Buffer.from(prefix, 'utf8'), message.data]);
}

/**
 * Serves `GET /services/{id}/logs` or `/tasks/{id}/logs`: reads the query (parseLogQuery),
 * asks the backend for the target's logs (a missing or ambiguous target is an ordinary JSON
 * error: nothing has been sent yet), then streams every message of a chosen stream as
 * {@link formatLogLine} writes it: one multiplexed frame per message (stdout 1, stderr 2), or
 * raw bytes when the target has a TTY. A failure of the log source mid-stream is written as
 * `Error grabbing logs: <message>` on the system stream, as the Engine does. The backend's
 * subscription is cancelled when the client goes away or the server stops.
 */
export async function serveSwarmLogs(
  ctx: RequestContext,
  backend: ServiceBackend,
  target: LogTarget,
): Promise<undefined> {
  const options = parseLogQuery(ctx.query);
  const cancel = new AbortController();
  const stopOnAbort = (): void => cancel.abort();
  ctx.signal.addEventListener('abort', stopOnAbort, { once: true });
  try {
    const source = await backend.logs(target, options, cancel.signal);
    const stream = new LogStream(ctx, { tty: source.tty });
    stream.signal.addEventListener('abort', stopOnAbort, { once: true });
    try {
      for await (const message of source.messages) {
        if (stream.closed) break;
        if (message.stream === 'stdout' ? !options.stdout : !options.stderr) continue;
        await stream.write(message.stream, formatLogLine(message, options));
      }
    } catch (err) {
      if (!stream.closed) {
        const text = err instanceof Error ? err.message : String(err);
        await stream.write('system', `Error grabbing logs: ${text}\n`);
      }
    } finally {
      stream.end();
    }
  } finally {
    ctx.signal.removeEventListener('abort', stopOnAbort);
    cancel.abort();
  }
  return undefined;
}
