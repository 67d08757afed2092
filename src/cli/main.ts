import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';

/** The package version, read once from package.json. */
export function shoalVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Builds the shoal command tree; command groups attach themselves here as they are built. */
export function buildProgram(): Command {
  const program = new Command('shoal')
    .description('Docker Swarm mode, rebuilt in TypeScript')
    .version(shoalVersion(), '-v, --version', 'print the version and exit')
    .exitOverride();
  program
    .command('version')
    .description('show the shoal version')
    .action(() => {
      process.stdout.write(`shoal version ${shoalVersion()}\n`);
    });
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
