import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default 10 s. */
  readonly timeoutMs?: number;
  /** Pause between checks. Default 50 ms. */
  readonly intervalMs?: number;
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`, and returns it.
 * Bounded: after `timeoutMs` it throws an error naming `description` and the last value
 * (or error) the check produced, so a failing test says what it waited for and what it saw.
 * A check that throws is retried; its last error is reported if time runs out.
 */
export async function waitFor<T>(
  description: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen =
        last instanceof Error ? `${last.name}: ${last.message}` : String(JSON.stringify(last));
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${description}; last saw ${seen}`,
      );
    }
    await sleep(intervalMs);
  }
}
