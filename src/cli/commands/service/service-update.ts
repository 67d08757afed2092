import type { CommandContext } from '../../command-context.ts';
import { CliError } from '../../cli-error.ts';
import { collect } from '../../options/flag-parsers.ts';
import { mountFlag } from '../../options/mount-flag.ts';
import { publishFlag } from '../../options/publish-flag.ts';
import { exactArgs, minArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addSharedServiceFlags } from './service-flags.ts';
import { updateSpec } from './update-spec.ts';
import type { ServiceUpdateValues } from './update-spec.ts';
import { waitOnService } from './wait-on-service.ts';

/**
 * `shoal service update [OPTIONS] SERVICE`: reads the service, applies the flags, sends
 * `POST /services/{id}/update?version=` (or `rollback=previous` with `--rollback`, which
 * takes no other spec flag), prints the service as given, then follows the progress unless
 * `--detach`.
 */
export function addServiceUpdateCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('update')
    .use('[OPTIONS] SERVICE')
    .description('Update a service')
    .option('--image <string>', 'Service image tag')
    .option('--args <command>', 'Service command args')
    .flag('--force', 'Force update even if no changes require it')
    .flag('--rollback', 'Rollback to previous specification')
    .option('--env-add <list>', 'Add or update an environment variable', collect)
    .option('--env-rm <list>', 'Remove an environment variable', collect)
    .option('--label-add <list>', 'Add or update a service label', collect)
    .option('--label-rm <list>', 'Remove a label by its key', collect)
    .option('--container-label-add <list>', 'Add or update a container label', collect)
    .option('--container-label-rm <list>', 'Remove a container label by its key', collect)
    .option('--constraint-add <list>', 'Add or update a placement constraint', collect)
    .option('--constraint-rm <list>', 'Remove a constraint', collect)
    .option('--placement-pref-add <pref>', 'Add a placement preference', collect)
    .option('--placement-pref-rm <pref>', 'Remove a placement preference', collect)
    .option('--mount-add <mount>', 'Add or update a mount on a service', mountFlag)
    .option('--mount-rm <list>', 'Remove a mount by its target path', collect)
    .option('--publish-add <port>', 'Add or update a published port', publishFlag)
    .option('--publish-rm <port>', 'Remove a published port by its target port', collect);
  addSharedServiceFlags(command);
  command.run(exactArgs(1), async ([ref = '']) => {
    const values = command.opts<ServiceUpdateValues>();
    const api = context.api();
    const { service: current } = await api.serviceGet(ref);
    const rollback = values.rollback === true;
    if (rollback) {
      const others = command.options
        .map((o) => o.attributeName())
        .filter((key) => !['rollback', 'detach', 'quiet'].includes(key) && command.changed(key));
      if (others.length > 0) throw new CliError('other flags may not be combined with --rollback');
    }
    const spec = rollback
      ? current.Spec
      : updateSpec(current.Spec, values, (key) => command.changed(key), context.io.env);
    const answer = await api.serviceUpdate(current.ID, current.Version.Index, spec, rollback);
    for (const warning of answer.Warnings ?? []) context.io.stderr.write(`${warning}\n`);
    context.io.stdout.write(`${ref}\n`);
    if (values.detach === true) return;
    await waitOnService(api, current.ID, context.io, values.quiet === true, rollback);
  });
}

/** `shoal service rollback [OPTIONS] SERVICE`: `service update --rollback` under its own name. */
export function addServiceRollbackCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('rollback')
    .use('[OPTIONS] SERVICE')
    .description("Revert changes to a service's configuration")
    .flag('-d, --detach', 'Exit immediately instead of waiting for the service to converge')
    .flag('-q, --quiet', 'Suppress progress output');
  command.run(exactArgs(1), async ([ref = '']) => {
    const values = command.opts<{ detach?: boolean; quiet?: boolean }>();
    const api = context.api();
    const { service: current } = await api.serviceGet(ref);
    const answer = await api.serviceUpdate(current.ID, current.Version.Index, current.Spec, true);
    for (const warning of answer.Warnings ?? []) context.io.stderr.write(`${warning}\n`);
    context.io.stdout.write(`${ref}\n`);
    if (values.detach === true) return;
    await waitOnService(api, current.ID, context.io, values.quiet === true, true);
  });
}

/**
 * `shoal service scale SERVICE=REPLICAS...`: updates each service's replica count (or a
 * replicated job's total completions) and prints "<svc> scaled to <n>"; then follows the
 * progress of each unless `--detach`. Failures are reported after the others are done.
 */
export function addServiceScaleCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('scale')
    .use('SERVICE=REPLICAS [SERVICE=REPLICAS...]')
    .description('Scale one or multiple replicated services')
    .flag('-d, --detach', 'Exit immediately instead of waiting for the service to converge');
  command.run(
    (cmd, args) => {
      minArgs(1)(cmd, args);
      for (const arg of args) {
        const [name, count] = arg.split('=');
        if (name === undefined || count === undefined || name === '') {
          throw new CliError(
            `Invalid scale specifier '${arg}'.\nSee '${cmd.commandPath()} --help'.\n\nUsage:  ${cmd.useLine()}\n\nScale one or multiple replicated services`,
          );
        }
      }
    },
    async (args) => {
      const values = command.opts<{ detach?: boolean }>();
      const api = context.api();
      const errors: string[] = [];
      const scaled: string[] = [];
      for (const arg of args) {
        const at = arg.indexOf('=');
        const name = arg.slice(0, at);
        const count = Number(arg.slice(at + 1));
        try {
          if (!/^\d+$/.test(arg.slice(at + 1)))
            throw new Error(
              `invalid replicas value ${arg.slice(at + 1)}: strconv.ParseUint: parsing "${arg.slice(at + 1)}": invalid syntax`,
            );
          const { service: current } = await api.serviceGet(name);
          const mode = current.Spec.Mode ?? {};
          let spec;
          if (mode.Replicated !== undefined)
            spec = { ...current.Spec, Mode: { Replicated: { Replicas: count } } };
          else if (mode.ReplicatedJob !== undefined)
            spec = {
              ...current.Spec,
              Mode: { ReplicatedJob: { ...mode.ReplicatedJob, TotalCompletions: count } },
            };
          else throw new Error('scale can only be used with replicated or replicated-job mode');
          await api.serviceUpdate(current.ID, current.Version.Index, spec);
          context.io.stdout.write(`${name} scaled to ${count}\n`);
          scaled.push(current.ID);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
      if (values.detach !== true) {
        for (const id of scaled) await waitOnService(api, id, context.io, false);
      }
      if (errors.length > 0) throw new CliError(errors.join('\n'));
    },
  );
}

/** `shoal service rm SERVICE...`: removes each, printing its name; failures are listed after. */
export function addServiceRemoveCommand(service: ShoalCommand, context: CommandContext): void {
  const command = service
    .command('rm')
    .alias('remove')
    .use('SERVICE [SERVICE...]')
    .description('Remove one or more services');
  command.run(minArgs(1), async (args) => {
    const api = context.api();
    const errors: string[] = [];
    for (const ref of args) {
      try {
        await api.serviceRemove(ref);
        context.io.stdout.write(`${ref}\n`);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length > 0) throw new CliError(errors.join('\n'));
  });
}
