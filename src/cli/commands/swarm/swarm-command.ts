import type { CommandContext } from '../../command-context.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addGroupAction } from '../group-action.ts';
import { addSwarmCaCommand } from './swarm-ca.ts';
import { addSwarmInitCommand } from './swarm-init.ts';
import { addSwarmJoinCommand, addSwarmLeaveCommand } from './swarm-join.ts';
import { addSwarmJoinTokenCommand } from './swarm-join-token.ts';
import { addSwarmUnlockCommand, addSwarmUnlockKeyCommand } from './swarm-unlock.ts';
import { addSwarmUpdateCommand } from './swarm-update.ts';

/** Adds `shoal swarm` and its subcommands (docker's `swarm` verbs, flags and output). */
export function addSwarmCommands(program: ShoalCommand, context: CommandContext): void {
  const swarm = program.command('swarm').use('').description('Manage Swarm');
  addSwarmInitCommand(swarm, context);
  addSwarmJoinCommand(swarm, context);
  addSwarmJoinTokenCommand(swarm, context);
  addSwarmUnlockKeyCommand(swarm, context);
  addSwarmUpdateCommand(swarm, context);
  addSwarmLeaveCommand(swarm, context);
  addSwarmUnlockCommand(swarm, context);
  addSwarmCaCommand(swarm, context);
  addGroupAction(swarm, context);
}
