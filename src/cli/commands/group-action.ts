import type { CommandContext } from '../command-context.ts';
import type { ShoalCommand } from '../shoal-command.ts';
import { unknownCommand } from '../shoal-command.ts';

/**
 * Makes a command group behave as docker's: alone (`shoal swarm`) it prints its help to
 * stderr and succeeds; with an unknown subcommand it fails with "... is not a ... command".
 */
export function addGroupAction(group: ShoalCommand, context: CommandContext): void {
  group.run(
    (command, args) => {
      if (args[0] !== undefined) throw unknownCommand(command, args[0]);
    },
    () => context.io.stderr.write(group.helpInformation()),
  );
}
