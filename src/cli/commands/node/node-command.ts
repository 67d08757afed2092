import type { CommandContext } from '../../command-context.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addGroupAction } from '../group-action.ts';
import { addNodeInspectCommand } from './node-inspect.ts';
import { addNodeListCommand } from './node-ls.ts';
import { addNodePsCommand } from './node-ps.ts';
import { addNodeRemoveCommand } from './node-rm.ts';
import { addNodeRoleCommands } from './node-update.ts';
import { addNodeUpdateCommand } from './node-update.ts';

/** Adds `shoal node` and its subcommands (docker's `node` verbs, flags and output). */
export function addNodeCommands(program: ShoalCommand, context: CommandContext): void {
  const node = program.command('node').use('').description('Manage Swarm nodes');
  addNodeInspectCommand(node, context);
  addNodeListCommand(node, context);
  addNodeRoleCommands(node, context);
  addNodeRemoveCommand(node, context);
  addNodePsCommand(node, context);
  addNodeUpdateCommand(node, context);
  addGroupAction(node, context);
}
