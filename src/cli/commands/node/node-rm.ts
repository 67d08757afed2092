import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';

/**
 * `shoal node rm [-f] NODE...`: `DELETE /nodes/{ref}[?force=1]` for each, printing each
 * reference removed; failures are reported together at the end (exit status 1).
 */
export function addNodeRemoveCommand(node: ShoalCommand, context: CommandContext): void {
  const command = node
    .command('rm')
    .alias('remove')
    .use('[OPTIONS] NODE [NODE...]')
    .description('Remove one or more nodes from the swarm')
    .flag('-f, --force', 'Force remove a node from the swarm');
  command.run(minArgs(1), async (refs) => {
    const force = command.opts<{ force?: boolean }>().force === true;
    const api = context.api();
    const errors: string[] = [];
    for (const ref of refs) {
      try {
        await api.nodeRemove(ref, force);
        context.io.stdout.write(`${ref}\n`);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}
