import type { CommandContext } from '../../command-context.ts';
import { minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { createSpec } from './create-spec.ts';
import { addCreateOnlyFlags, addSharedServiceFlags } from './service-flags.ts';
import type { ServiceCreateValues } from './service-flags.ts';
import { waitOnService } from './wait-on-service.ts';

/**
 * `shoal service create [OPTIONS] IMAGE [COMMAND] [ARG...]`: `POST /services/create`, prints
 * the new service's ID (warnings on stderr), then follows its progress unless `--detach`.
 * Flags stop at IMAGE, so the command's own flags pass through to it.
 */
export function addServiceCreateCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('create')
    .use('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .description('Create a new service')
    .passThroughOptions();
  addCreateOnlyFlags(command);
  addSharedServiceFlags(command);
  command.run(minArgs(1), async (args) => {
    const values = command.opts<ServiceCreateValues>();
    const [image = '', ...rest] = args;
    const spec = createSpec(image, rest, values, (key) => command.changed(key), context.io.env);
    const api = context.api();
    const created = await api.serviceCreate(spec);
    for (const warning of created.Warnings ?? []) context.io.stderr.write(`${warning}\n`);
    context.io.stdout.write(`${created.ID}\n`);
    if (values.detach === true) return;
    await waitOnService(api, created.ID, context.io, values.quiet === true);
  });
}
