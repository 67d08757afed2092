import { CliError } from '../../cli-error.ts';
import type { CommandContext } from '../../command-context.ts';
import { exactArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { printJoinCommand } from './swarm-messages.ts';

/**
 * `shoal swarm join-token [--rotate] [-q] worker|manager`. With `--rotate`, `GET /swarm` and
 * `POST /swarm/update?rotate<Role>Token=true` first. Then `GET /swarm` again (the token has
 * changed); `-q` prints just the token, otherwise `GET /info` finds this node and the join
 * paragraph is printed.
 */
export function addSwarmJoinTokenCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm
    .command('join-token')
    .use('[OPTIONS] (worker|manager)')
    .description('Manage join tokens')
    .flag('--rotate', 'Rotate join token')
    .flag('-q, --quiet', 'Only display token');
  command.run(exactArgs(1), async ([role = '']) => {
    const worker = role === 'worker';
    const manager = role === 'manager';
    if (!worker && !manager) throw new CliError(`unknown role ${role}`);
    const { rotate, quiet } = command.opts<{ rotate?: boolean; quiet?: boolean }>();
    const api = context.api();
    const out = context.io.stdout;
    if (rotate === true) {
      const current = await api.swarmInspect();
      await api.swarmUpdate(current.Version.Index, current.Spec, {
        rotateWorkerToken: worker,
        rotateManagerToken: manager,
      });
      if (quiet !== true) out.write(`Successfully rotated ${role} join token.\n\n`);
    }
    const swarmInfo = await api.swarmInspect();
    if (quiet === true) {
      out.write(`${worker ? swarmInfo.JoinTokens.Worker : swarmInfo.JoinTokens.Manager}\n`);
      return;
    }
    const info = await api.info();
    await printJoinCommand(api, out, info.Swarm?.NodeID ?? '', { worker, manager });
  });
}
