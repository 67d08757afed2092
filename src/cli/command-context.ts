import type { CliIO } from './cli-io.ts';
import type { EngineApi } from './client/engine-api.ts';

/**
 * What every command receives: its I/O and, on first use, the API client for the daemon
 * chosen by the global flags (`-H`, TLS) and the environment. Commands write their output
 * to `io.stdout` and throw to fail; they never exit the process.
 */
export interface CommandContext {
  readonly io: CliIO;
  /** The daemon's API; created lazily, so commands that need no daemon never connect. */
  api(): EngineApi;
}
