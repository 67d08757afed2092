import type { CommandContext } from '../../command-context.ts';
import { noArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addSwarmFlags, mergeSwarmSpec } from './swarm-flags.ts';
import type { SwarmFlagValues } from './swarm-flags.ts';
import { fetchUnlockKey } from './swarm-init.ts';
import { printUnlockCommand } from './swarm-messages.ts';

/**
 * `shoal swarm update [flags]`: `GET /swarm`, merge the flags given into its spec, and
 * `POST /swarm/update?version=N` with the whole spec; prints "Swarm updated.", and the
 * unlock key when autolock was just turned on. Without any flag it prints its help.
 */
export function addSwarmUpdateCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm
    .command('update')
    .use('[OPTIONS]')
    .description('Update the swarm')
    .flag('--autolock', 'Change manager autolocking setting (true|false)');
  addSwarmFlags(command);
  command.run(noArgs, async () => {
    const given = command.options.some((o) => command.changed(o.attributeName()));
    if (!given) {
      context.io.stdout.write(command.helpInformation());
      return;
    }
    const api = context.api();
    const current = await api.swarmInspect();
    const wasLocked = current.Spec.EncryptionConfig?.AutoLockManagers === true;
    const spec = mergeSwarmSpec(
      current.Spec,
      command,
      command.opts<SwarmFlagValues>(),
      current.TLSInfo?.TrustRoot ?? '',
    );
    await api.swarmUpdate(current.Version.Index, spec);
    context.io.stdout.write('Swarm updated.\n');
    if (spec.EncryptionConfig?.AutoLockManagers === true && !wasLocked) {
      printUnlockCommand(context.io.stdout, await fetchUnlockKey(context));
    }
  });
}
