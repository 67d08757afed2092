import { EventEmitter } from 'node:events';
import type { FSWatcher } from 'node:fs';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  watch,
} from 'node:fs';
import type { CancelTimer, Clock } from '../../../base/clock.ts';
import type { TaskLogEntry } from '../executor.ts';
import { formatTimestamp } from './log-timestamp.ts';
import type { TaskDir } from './task-dir.ts';

/** Size bounds of a task's captured logs. */
export interface LogLimits {
  /** Rotate `log.json` when it would pass this size. Default 10 MiB. */
  readonly maxBytes: number;
  /** Files kept, the current one included (`log.json`, `log.json.1`...). Default 2. */
  readonly maxFiles: number;
}

/** Default log bounds (Docker's json-file driver keeps everything; we keep 20 MiB). */
export const DEFAULT_LOG_LIMITS: LogLimits = { maxBytes: 10 * 1024 * 1024, maxFiles: 2 };

/** A line longer than this is cut into several entries, as Docker does at 16 KiB. */
const MAX_LINE = 16 * 1024;
/** A raw spool fully consumed past this size is truncated back to zero. */
const SPOOL_TRUNCATE_AT = 1024 * 1024;
/** The safety-net poll; inotify normally reports appends at once. */
const POLL_MS = 1_000;

type Stream = 'stdout' | 'stderr';

/** One line of `log.json`, in the shape of Docker's json-file driver. */
export interface StoredLogLine {
  readonly log: string;
  readonly stream: Stream;
  readonly time: string;
}

/**
 * Moves a task's output from the raw spool files its process appends to into `log.json`, one
 * timestamped JSON line per output line, with size-bounded rotation. Runs in the daemon: the
 * timestamp is when the pump read the line (at once through inotify, within 1 s without it, or when a restarted
 * daemon catches up). The consumed offsets live in `pump.json`, so a new daemon resumes where
 * the last one stopped. All file work is synchronous, so a reader that reads `log.json` and
 * subscribes in one tick misses and repeats nothing. Emits `entry` and, after the final
 * drain, `end`.
 */
export class LogPump extends EventEmitter<{ entry: [TaskLogEntry]; end: [] }> {
  private offsets: Record<Stream, number>;
  private logSize: number;
  private timer: CancelTimer | undefined;
  private watchers: FSWatcher[] = [];
  private ended = false;
  private drainQueued = false;

  constructor(
    private readonly dir: TaskDir,
    private readonly clock: Clock,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {
    super();
    this.offsets = dir.readJson<Record<Stream, number>>(dir.pumpState) ?? { stdout: 0, stderr: 0 };
    this.logSize = existsSync(dir.log) ? statSync(dir.log).size : 0;
  }

  /** Whether the task's output has ended and been fully moved to `log.json`. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Starts following the spool files (inotify plus a slow poll as a safety net). */
  start(): void {
    for (const path of [this.dir.stdoutRaw, this.dir.stderrRaw]) {
      try {
        const watcher = watch(path, () => this.drainSoon());
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // No inotify (or no file yet): the poll alone follows the output.
      }
    }
    this.schedule();
  }

  /** Moves what is new; with `final`, also any unterminated last line, then ends. */
  drain(final: boolean): void {
    if (this.ended) return;
    const time = formatTimestamp(this.clock.now());
    const before = `${this.offsets.stdout}/${this.offsets.stderr}`;
    for (const stream of ['stdout', 'stderr'] as const) this.drainStream(stream, time, final);
    if (`${this.offsets.stdout}/${this.offsets.stderr}` !== before) {
      this.dir.writeJson(this.dir.pumpState, this.offsets);
    }
    if (final) {
      this.ended = true;
      this.stop();
      this.emit('end');
    }
  }

  /** Stops following and ends every reader (executor shutdown); the spools stay for the next pump. */
  release(): void {
    this.stop();
    this.emit('end');
  }

  /** Stops following; the spool files stay for the next pump. */
  stop(): void {
    this.timer?.();
    this.timer = undefined;
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  /** Coalesces the many inotify events of a chatty task into one drain per loop turn. */
  private drainSoon(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    setImmediate(() => {
      this.drainQueued = false;
      if (this.watchers.length > 0) this.drain(false);
    });
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(POLL_MS, () => {
      this.drain(false);
      if (!this.ended) this.schedule();
    });
  }

  private drainStream(stream: Stream, time: string, final: boolean): void {
    const path = stream === 'stdout' ? this.dir.stdoutRaw : this.dir.stderrRaw;
    let fd: number;
    try {
      fd = openSync(path, 'r+');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offsets[stream]) this.offsets[stream] = 0;
      const start = this.offsets[stream];
      if (size === start) return;
      const buffer = Buffer.alloc(size - start);
      const read = readSync(fd, buffer, 0, buffer.length, start);
      const consumed = this.emitLines(stream, buffer.subarray(0, read), time, final);
      this.offsets[stream] = start + consumed;
      // O_APPEND writers continue at the new end, so truncation loses only what was written
      // between the read above and this call (the same tick).
      if (this.offsets[stream] >= SPOOL_TRUNCATE_AT && this.offsets[stream] === size) {
        ftruncateSync(fd, 0);
        this.offsets[stream] = 0;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Writes the complete lines of `chunk` and returns how many bytes they took. */
  private emitLines(stream: Stream, chunk: Buffer, time: string, final: boolean): number {
    let at = 0;
    const lines: string[] = [];
    const entries: TaskLogEntry[] = [];
    while (at < chunk.length) {
      const newline = chunk.indexOf(10, at);
      let end: number;
      if (newline !== -1 && newline - at < MAX_LINE) end = newline + 1;
      else if (chunk.length - at >= MAX_LINE) end = at + MAX_LINE;
      else if (final) end = chunk.length;
      else break;
      const data = chunk.subarray(at, end);
      lines.push(JSON.stringify({ log: data.toString('utf8'), stream, time }));
      entries.push({ stream, timestamp: time, data: new Uint8Array(data) });
      at = end;
    }
    this.append(lines);
    for (const entry of entries) this.emit('entry', entry);
    return at;
  }

  /** Appends JSON lines, rotating before a line that would pass the size bound. */
  private append(lines: readonly string[]): void {
    let batch = '';
    for (const line of lines) {
      const bytes = Buffer.byteLength(line) + 1;
      if (this.logSize > 0 && this.logSize + bytes > this.limits.maxBytes) {
        if (batch !== '') appendFileSync(this.dir.log, batch);
        batch = '';
        this.rotate();
      }
      batch += line + '\n';
      this.logSize += bytes;
    }
    if (batch !== '') appendFileSync(this.dir.log, batch);
  }

  private rotate(): void {
    const last = `${this.dir.log}.${this.limits.maxFiles - 1}`;
    if (this.limits.maxFiles <= 1) rmSync(this.dir.log, { force: true });
    else rmSync(last, { force: true });
    for (let n = this.limits.maxFiles - 2; n >= 0; n--) {
      const from = n === 0 ? this.dir.log : `${this.dir.log}.${n}`;
      if (existsSync(from)) renameSync(from, `${this.dir.log}.${n + 1}`);
    }
    this.logSize = 0;
  }
}
