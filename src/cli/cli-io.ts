import type { Clock } from '../base/clock.ts';
import { SystemClock } from '../base/clock.ts';

/** Somewhere text goes (stdout, stderr, or a test's buffer). */
export interface TextSink {
  write(text: string): void;
}

/** Standard input as the CLI reads it: a byte stream that may be a terminal. */
export type TextSource = NodeJS.ReadableStream & {
  readonly isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/**
 * Everything a command touches outside the daemon: its streams, its environment and the
 * clock used for "2 hours ago". `main` gets the process's by default; tests pass buffers,
 * a fixed environment and a fixed clock.
 */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: TextSource;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Epoch-based: `now()` is compared with the daemon's timestamps. */
  readonly clock: Clock;
}

/** The running process's streams, environment and system clock. */
export function processIO(): CliIO {
  return {
    stdout: { write: (text) => void process.stdout.write(text) },
    stderr: { write: (text) => void process.stderr.write(text) },
    stdin: process.stdin,
    env: process.env,
    clock: cliClock,
  };
}

/**
 * The system clock with timers that keep the process alive (the base `SystemClock`'s do not):
 * a command that polls (progress displays, `swarm ca --rotate`) must not exit between polls.
 */
const cliClock: Clock = {
  now: () => new SystemClock().now(),
  setTimer: (ms, fn) => {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/**
 * Reads a secret the way docker's `readKey` does: on a terminal, writes `prompt` to
 * `out`, reads one line without echo and writes a newline; otherwise reads the first line
 * of the input (or all of it, up to end of input) and trims surrounding whitespace.
 * Rejects when input ends in error or Ctrl-C is typed at the prompt.
 */
export async function readSecret(
  input: TextSource,
  out: TextSink,
  prompt: string,
): Promise<string> {
  if (input.isTTY === true && input.setRawMode !== undefined) {
    out.write(prompt);
    try {
      return await readLine(input, true);
    } finally {
      out.write('\n');
    }
  }
  return (await readLine(input, false)).trim();
}

function readLine(input: TextSource, raw: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onError);
      if (raw) input.setRawMode?.(false);
      input.pause();
      if (error === undefined) resolve(text);
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const c of String(chunk)) {
        if (raw && c === '\u0003') return finish(new Error('interrupted'));
        if (c === '\n' || (raw && c === '\r')) return finish();
        if (raw && (c === '\u007f' || c === '\b')) text = text.slice(0, -1);
        else text += c;
      }
    };
    const onEnd = (): void => finish();
    const onError = (err: Error): void => finish(err);
    if (raw) input.setRawMode?.(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}
