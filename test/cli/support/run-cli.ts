import { Readable } from 'node:stream';
import type { Clock } from '../../../src/base/clock.ts';
import type { CliIO, TextSource } from '../../../src/cli/cli-io.ts';
import { main } from '../../../src/cli/main.ts';
import type { FakeDaemon, RecordedRequest } from './fake-daemon.ts';

/** What one CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How a run is set up. */
export interface RunOptions {
  /** `SHOAL_HOST` for the run (usually a fake daemon's `host`). */
  readonly host?: string;
  /** Standard input's text (not a terminal). Default: empty. */
  readonly stdin?: string | TextSource;
  readonly env?: Readonly<Record<string, string>>;
  /** The clock's time, epoch milliseconds. Default 2024-06-01T12:00:00Z. */
  readonly now?: number;
  /** Replaces the frozen clock (e.g. {@link steppingClock} for commands that wait). */
  readonly clock?: Clock;
}

/** 2024-06-01T12:00:00Z, the default "now" of CLI tests. */
export const TEST_NOW = Date.UTC(2024, 5, 1, 12, 0, 0);

/**
 * A clock frozen at `now` whose timers fire on the next turn of the event loop, so code that
 * polls (swarm ca --rotate) runs without waiting on the wall clock.
 */
export function frozenClock(now: number): Clock {
  return {
    now: () => now,
    setTimer: (_ms, fn) => {
      const handle = setImmediate(fn);
      return () => clearImmediate(handle);
    },
  };
}

/**
 * A clock starting at `now` whose timers fire on the next turn of the event loop and move
 * time forward by their delay, so a command that waits N seconds (the progress display's
 * stability window) finishes at once with the same output.
 */
export function steppingClock(now: number): Clock {
  let time = now;
  return {
    now: () => time,
    setTimer: (ms, fn) => {
      const handle = setImmediate(() => {
        time += ms;
        fn();
      });
      return () => clearImmediate(handle);
    },
  };
}

/** Runs `shoal <argv>` through `main` with captured output. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin =
    typeof options.stdin === 'object'
      ? options.stdin
      : Readable.from([Buffer.from(options.stdin ?? '')]);
  const io: CliIO = {
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    stdin,
    env: { ...(options.host === undefined ? {} : { SHOAL_HOST: options.host }), ...options.env },
    clock: options.clock ?? frozenClock(options.now ?? TEST_NOW),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/**
 * Runs `argv` against `daemon` and returns the run with the API requests it made, in order
 * (the daemon's `apiRequests()` leaves pings out).
 */
export async function runRecorded(
  daemon: FakeDaemon,
  argv: readonly string[],
  options: Omit<RunOptions, 'host'> = {},
): Promise<CliRun & { readonly requests: RecordedRequest[] }> {
  const from = daemon.apiRequests().length;
  const run = await runCli(argv, { ...options, host: daemon.host });
  return { ...run, requests: daemon.apiRequests().slice(from) };
}
