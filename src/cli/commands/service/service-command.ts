import type { CommandContext } from '../../command-context.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addGroupAction } from '../group-action.ts';
import { addServiceCreateCommand } from './service-create.ts';
import { addServiceInspectCommand } from './service-inspect.ts';
import { addServiceLogsCommand } from './service-logs.ts';
import { addServiceListCommand } from './service-ls.ts';
import { addServicePsCommand } from './service-ps.ts';
import {
  addServiceRemoveCommand,
  addServiceRollbackCommand,
  addServiceScaleCommand,
  addServiceUpdateCommand,
} from './service-update.ts';

/** Adds `shoal service` and its subcommands (docker's `service` verbs, flags and output). */
export function addServiceCommands(program: ShoalCommand, context: CommandContext): void {
  const service = program.command('service').use('').description('Manage Swarm services');
  service.enablePositionalOptions();
  addServiceCreateCommand(service, context);
  addServiceInspectCommand(service, context);
  addServiceLogsCommand(service, context);
  addServiceListCommand(service, context);
  addServicePsCommand(service, context);
  addServiceRollbackCommand(service, context);
  addServiceRemoveCommand(service, context);
  addServiceScaleCommand(service, context);
  addServiceUpdateCommand(service, context);
  addGroupAction(service, context);
}
