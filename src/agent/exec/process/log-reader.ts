import { readFileSync } from 'node:fs';
import type { TaskLogEntry, TaskLogOptions } from '../executor.ts';
import type { LogPump, StoredLogLine } from './log-pump.ts';
import { DEFAULT_LOG_LIMITS } from './log-pump.ts';
import { parseTimestamp } from './log-timestamp.ts';
import type { TaskDir } from './task-dir.ts';

function readLines(path: string): StoredLogLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const lines: StoredLogLine[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      lines.push(JSON.parse(line) as StoredLogLine);
    } catch {
      // A line cut by a crash mid-append: skip it rather than fail the whole read.
    }
  }
  return lines;
}

/**
 * The entries of a task's `log.json` and its rotated files, oldest first, filtered by
 * `since` and cut to the last `tail`. Synchronous (see {@link LogPump}).
 */
export function readStoredLogs(
  dir: TaskDir,
  options: Pick<TaskLogOptions, 'since' | 'tail'>,
  maxFiles = DEFAULT_LOG_LIMITS.maxFiles,
): TaskLogEntry[] {
  const files: string[] = [];
  for (let n = maxFiles - 1; n >= 1; n--) files.push(`${dir.log}.${n}`);
  files.push(dir.log);
  let entries = files.flatMap(readLines).map((line) => ({
    stream: line.stream,
    timestamp: line.time,
    data: new Uint8Array(Buffer.from(line.log, 'utf8')),
  }));
  const since = options.since;
  if (since !== undefined) entries = entries.filter((e) => parseTimestamp(e.timestamp) >= since);
  if (options.tail !== undefined) entries = options.tail <= 0 ? [] : entries.slice(-options.tail);
  return entries;
}

/**
 * Yields what `pump` emits from now on until its output ends or `signal` aborts. The
 * subscription starts synchronously, before the first `await`, so nothing emitted after the
 * caller's synchronous read of the stored logs is missed.
 */
export function followPump(pump: LogPump, signal: AbortSignal): AsyncIterable<TaskLogEntry> {
  const queue: TaskLogEntry[] = [];
  let wake: (() => void) | undefined;
  let done = pump.isEnded || signal.aborted;
  const onEntry = (entry: TaskLogEntry): void => {
    queue.push(entry);
    wake?.();
  };
  const onEnd = (): void => {
    done = true;
    wake?.();
  };
  pump.on('entry', onEntry);
  pump.on('end', onEnd);
  signal.addEventListener('abort', onEnd, { once: true });
  async function* iterate(): AsyncGenerator<TaskLogEntry> {
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (done || signal.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      pump.off('entry', onEntry);
      pump.off('end', onEnd);
      signal.removeEventListener('abort', onEnd);
    }
  }
  return iterate();
}
