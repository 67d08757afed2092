import { Option } from 'commander';
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { CliError } from './cli-error.ts';
import { processIO } from './cli-io.ts';
import type { CliIO } from './cli-io.ts';
import { CliSession } from './cli-session.ts';
import type { ConnectionFlags } from './client/client-config.ts';
import { addServiceCommands } from './commands/service/service-command.ts';
import { addNodeCommands } from './commands/node/node-command.ts';
import { addSwarmCommands } from './commands/swarm/swarm-command.ts';
import { addVersionCommand } from './commands/version-command.ts';
import { collect } from './options/flag-parsers.ts';
import { ShoalCommand, unknownCommand } from './shoal-command.ts';

/** The package version, read once from package.json. */
export function shoalVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Builds the shoal command tree over `io` (the process's by default). Commands reach the
 * daemon through `session`, which reads the global flags (`-H`, `--tls`...) from the tree
 * once it is parsed. Help and usage go to `io`; errors are thrown, never printed here.
 */
export function buildProgram(
  io: CliIO = processIO(),
  session: CliSession = new CliSession(io),
): ShoalCommand {
  const program = new ShoalCommand('shoal')
    .use('[OPTIONS] COMMAND')
    .description('Docker Swarm mode, rebuilt in TypeScript')
    .version(shoalVersion(), '-v, --version', 'Print version information and quit')
    .enablePositionalOptions()
    .exitOverride()
    .configureHelp({ sortSubcommands: true, sortOptions: true })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined,
    });
  program
    .option(
      '-H, --host <list>',
      'Daemon socket to connect to (unix:///path or tcp://host:port)',
      collect,
    )
    .flag('--tls', 'Use TLS; implied by --tlsverify')
    .flag('--tlsverify', 'Use TLS and verify the remote')
    .option('--tlscacert <string>', 'Trust certs signed only by this CA')
    .option('--tlscert <string>', 'Path to TLS certificate file')
    .option('--tlskey <string>', 'Path to TLS key file');
  let leaf: ShoalCommand = program;
  program.hook('preAction', (_root, action) => {
    leaf = action as ShoalCommand;
  });
  session.readFlagsFrom(() => connectionFlags(program, leaf));
  addNodeCommands(program, session);
  addServiceCommands(program, session);
  addSwarmCommands(program, session);
  addVersionCommand(program, session, { version: shoalVersion() });
  acceptGlobalFlagsOnLeaves(program, program);
  program.run(
    (command, args) => {
      if (args[0] !== undefined) throw unknownCommand(command, args[0]);
    },
    () => io.stdout.write(program.helpInformation()),
  );
  return program;
}

/**
 * Options are positional (a command's flags end where its arguments begin, so `service create
 * IMAGE CMD --flag` passes `--flag` to the task), yet docker takes its global flags after the
 * command too (`node ls -H unix:///x`): each leaf command gets hidden copies of the global
 * flags it does not define itself (`service create --host` is its own `host:ip` flag, as in
 * docker, where a command's local flag shadows the persistent one).
 */
function acceptGlobalFlagsOnLeaves(program: ShoalCommand, command: ShoalCommand): void {
  const globals = program.options.filter((o) => !o.negate);
  for (const sub of command.commands as ShoalCommand[]) {
    if (sub.commands.length > 0) {
      acceptGlobalFlagsOnLeaves(program, sub);
      continue;
    }
    for (const option of globals) {
      if (
        sub.options.some(
          (o) => o.long === option.long || (option.short !== undefined && o.short === option.short),
        )
      )
        continue;
      const copy = new Option(option.flags, option.description).hideHelp();
      if (option.parseArg !== undefined) copy.argParser(option.parseArg);
      sub.addOption(copy);
    }
  }
}

/** The connection flags given before the command, joined by those given after it. */
function connectionFlags(program: ShoalCommand, leaf: ShoalCommand): ConnectionFlags {
  const flags: Record<string, unknown> = { ...program.opts() };
  if (leaf === program) return flags;
  const own = leaf.opts();
  for (const option of program.options) {
    const key = option.attributeName();
    if (option.negate || !leaf.changed(key)) continue;
    if (!leaf.options.some((o) => o.attributeName() === key && o.hidden)) continue;
    const before = flags[key];
    flags[key] =
      Array.isArray(before) && Array.isArray(own[key])
        ? [...(before as unknown[]), ...(own[key] as unknown[])]
        : own[key];
  }
  return flags;
}

/**
 * Runs the CLI with `argv` (without node and script) over `io` and returns the exit code:
 * 0 on success, the code of a {@link CliError} (1, or 125 for flag errors), 1 for any other
 * error. Error messages go to `io.stderr`. `extend` lets layers above the CLI add their own
 * commands to the tree before parsing (the daemon adds `shoal daemon`).
 */
export async function main(
  argv: readonly string[],
  io: CliIO = processIO(),
  extend?: (program: ShoalCommand) => void,
): Promise<number> {
  const session = new CliSession(io, `shoal-client/${shoalVersion()} (${process.platform})`);
  const program = buildProgram(io, session);
  extend?.(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError) {
      if (err.message !== '') io.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    session.close();
  }
}
