import type { CliIO } from './cli-io.ts';
import type { ConnectionFlags } from './client/client-config.ts';
import { engineClientOptions } from './client/client-config.ts';
import { EngineApi } from './client/engine-api.ts';
import { EngineClient } from './client/engine-client.ts';
import type { CommandContext } from './command-context.ts';

/**
 * One run of the CLI: the {@link CommandContext} commands receive. The API client is made
 * on first use from the global flags (read through `flags`, once parsing is done) and the
 * environment; {@link close} releases its connections.
 */
export class CliSession implements CommandContext {
  private engine: EngineApi | undefined;
  private flags: () => ConnectionFlags = () => ({});

  constructor(
    readonly io: CliIO,
    private readonly userAgent = 'shoal-client',
  ) {}

  /** Where the global flags are read from (the root command's options). */
  readFlagsFrom(flags: () => ConnectionFlags): void {
    this.flags = flags;
  }

  api(): EngineApi {
    this.engine ??= new EngineApi(
      new EngineClient(engineClientOptions(this.flags(), this.io.env, this.userAgent)),
    );
    return this.engine;
  }

  /** Closes the client's idle connections, if a client was made. */
  close(): void {
    this.engine?.client.close();
  }
}
