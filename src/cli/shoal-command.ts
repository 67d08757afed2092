import { Command, Option } from 'commander';
import { CliError, FLAG_ERROR_EXIT_CODE } from './cli-error.ts';

/** Checks a command's positional arguments; throws a {@link CliError} in docker's words. */
export type ArgsRule = (command: ShoalCommand, args: readonly string[]) => void;

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * A commander command that behaves like docker's cobra commands where users can see it:
 * - `use()` holds docker's usage text (`[OPTIONS] NODE`) for the help and for argument
 *   errors, and `run()` checks arguments with docker's messages before the action;
 * - flag errors read as pflag's (`unknown flag: --foo`, `flag needs an argument: --format`,
 *   `invalid argument "x" for "--cert-expiry" flag: ...`) followed by
 *   `See 'shoal node ls --help'.`, and exit with 125;
 * - boolean flags added with `flag()` also take `--flag=true|false`;
 * - `changed()` tells whether the user set an option, as pflag's `Changed` does.
 * Errors are thrown as {@link CliError}, never printed here.
 */
export class ShoalCommand extends Command {
  private useText = '';

  override createCommand(name?: string): ShoalCommand {
    return new ShoalCommand(name);
  }

  /** Sets docker's usage text after the command name (`[OPTIONS] NODE`). */
  use(text: string): this {
    this.useText = text;
    return this.usage(text);
  }

  /** The command's full name (`shoal node update`). */
  commandPath(): string {
    const parent = this.parent;
    if (parent instanceof ShoalCommand) return `${parent.commandPath()} ${this.name()}`;
    return parent === null ? this.name() : `${parent.name()} ${this.name()}`;
  }

  /** docker's usage line (`shoal node update [OPTIONS] NODE`). */
  useLine(): string {
    return `${this.commandPath()} ${this.useText}`.trimEnd();
  }

  /** Whether the user gave the option stored under `key` (camel-cased) on the command line. */
  changed(key: string): boolean {
    return this.getOptionValueSource(key) === 'cli';
  }

  /**
   * Adds a boolean flag (`-q, --quiet`) that also accepts `--quiet=false`; unset, its value
   * is `undefined`.
   */
  flag(flags: string, description: string): this {
    const option = new Option(flags, description);
    this.addOption(option);
    return this.addOption(new Option(`--no-${option.long?.slice(2) ?? ''}`).hideHelp());
  }

  /**
   * Sets the action: checks the positional arguments with `rule`, then runs `handler` with
   * them. Commander's own argument checks are turned off so docker's wording is used.
   */
  run(rule: ArgsRule, handler: (args: string[]) => Promise<void> | void): this {
    this.allowExcessArguments(true);
    return this.action(async () => {
      const args = [...this.args];
      rule(this, args);
      await handler(args);
    });
  }

  override parseOptions(argv: string[]): ReturnType<Command['parseOptions']> {
    const rewritten = argv.map((arg) => {
      const match = /^--([^=]+)=([\s\S]*)$/.exec(arg);
      if (match === null) return arg;
      const [, name = '', value = ''] = match;
      const option = this.options.find((o) => o.long === `--${name}` && !o.negate && o.isBoolean());
      if (option === undefined) return arg;
      if (TRUE_WORDS.has(value)) return `--${name}`;
      if (FALSE_WORDS.has(value) && this.options.some((o) => o.long === `--no-${name}`)) {
        return `--no-${name}`;
      }
      throw new CliError(
        `invalid argument "${value}" for "${flagName(option)}" flag: strconv.ParseBool: parsing "${value}": invalid syntax\nSee '${this.commandPath()} --help'.`,
        FLAG_ERROR_EXIT_CODE,
      );
    });
    return super.parseOptions(rewritten);
  }

  override error(message: string, options?: { code?: string; exitCode?: number }): never {
    const see = `See '${this.commandPath()} --help'.`;
    const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
    switch (options?.code) {
      case 'commander.unknownOption': {
        const text = quoted.startsWith('--')
          ? `unknown flag: ${quoted}`
          : `unknown shorthand flag: '${quoted.slice(1, 2)}' in ${quoted}`;
        throw new CliError(`${text}\n${see}`, FLAG_ERROR_EXIT_CODE);
      }
      case 'commander.optionMissingArgument': {
        const long = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
        throw new CliError(`flag needs an argument: ${long}\n${see}`, FLAG_ERROR_EXIT_CODE);
      }
      case 'commander.invalidArgument': {
        const match = /^error: option '([^']*)' argument '([\s\S]*)' is invalid\. ([\s\S]*)$/.exec(
          message,
        );
        const option = this.options.find((o) => o.flags === match?.[1]);
        const name = option === undefined ? (match?.[1] ?? '') : flagName(option);
        throw new CliError(
          `invalid argument "${match?.[2] ?? ''}" for "${name}" flag: ${match?.[3] ?? message}\n${see}`,
          FLAG_ERROR_EXIT_CODE,
        );
      }
      case 'commander.unknownCommand':
        throw unknownCommand(this, quoted);
      default:
        throw new CliError(`${message.replace(/^error: /, '')}\n${see}`, options?.exitCode ?? 1);
    }
  }
}

/** pflag's name for a flag in messages: `-f, --filter` or `--cert-expiry`. */
function flagName(option: Option): string {
  return option.short === undefined ? (option.long ?? '') : `${option.short}, ${option.long ?? ''}`;
}

/** docker's "not a command" error for `shoal frob` or `shoal node frob`. */
export function unknownCommand(command: ShoalCommand, name: string): CliError {
  const path = command.commandPath();
  return new CliError(`${path}: '${name}' is not a ${path} command.\nSee '${path} --help'`);
}

function argumentError(command: ShoalCommand, requirement: string): CliError {
  return new CliError(
    `"${command.commandPath()}" ${requirement}.\nSee '${command.commandPath()} --help'.\n\nUsage:  ${command.useLine()}\n\n${command.description()}`,
  );
}

const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');

/** docker's `cli.NoArgs`. */
export const noArgs: ArgsRule = (command, args) => {
  if (args.length > 0) throw argumentError(command, 'accepts no arguments');
};

/** docker's `cli.ExactArgs(n)`. */
export function exactArgs(n: number): ArgsRule {
  return (command, args) => {
    if (args.length !== n) throw argumentError(command, `requires exactly ${n} ${plural(n)}`);
  };
}

/** docker's `cli.RequiresMinArgs(n)`. */
export function minArgs(n: number): ArgsRule {
  return (command, args) => {
    if (args.length < n) throw argumentError(command, `requires at least ${n} ${plural(n)}`);
  };
}
