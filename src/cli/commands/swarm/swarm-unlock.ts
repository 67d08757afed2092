import { CliError } from '../../cli-error.ts';
import { readSecret } from '../../cli-io.ts';
import type { CommandContext } from '../../command-context.ts';
import { noArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { fetchUnlockKey } from './swarm-init.ts';
import { printUnlockCommand, UNLOCK_PROMPT } from './swarm-messages.ts';

/**
 * `shoal swarm unlock`: `GET /info` first, so a node that is not locked is told so without
 * being asked for a key; then reads the key (prompting on a terminal, else the first line
 * of stdin) and `POST /swarm/unlock`. Prints nothing on success.
 */
export function addSwarmUnlockCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm.command('unlock').use('').description('Unlock swarm');
  command.run(noArgs, async () => {
    const api = context.api();
    const info = await api.info();
    const state = info.Swarm?.LocalNodeState;
    if (state === 'inactive') throw new CliError('error: this node is not part of a swarm');
    if (state !== 'locked') throw new CliError('error: swarm is not locked');
    const key = await readSecret(context.io.stdin, context.io.stdout, UNLOCK_PROMPT);
    await api.swarmUnlock(key);
  });
}

/**
 * `shoal swarm unlock-key [--rotate] [-q]`: prints the unlock key (`GET /swarm/unlockkey`).
 * `--rotate` first checks autolock is on (`GET /swarm`) and sends
 * `POST /swarm/update?rotateManagerUnlockKey=true`.
 */
export function addSwarmUnlockKeyCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm
    .command('unlock-key')
    .use('[OPTIONS]')
    .description('Manage the unlock key')
    .flag('--rotate', 'Rotate unlock key')
    .flag('-q, --quiet', 'Only display token');
  command.run(noArgs, async () => {
    const { rotate, quiet } = command.opts<{ rotate?: boolean; quiet?: boolean }>();
    const api = context.api();
    const out = context.io.stdout;
    if (rotate === true) {
      const current = await api.swarmInspect();
      if (current.Spec.EncryptionConfig?.AutoLockManagers !== true) {
        throw new CliError('cannot rotate because autolock is not turned on');
      }
      await api.swarmUpdate(current.Version.Index, current.Spec, { rotateManagerUnlockKey: true });
      if (quiet !== true) out.write('Successfully rotated manager unlock key.\n');
    }
    const key = await fetchUnlockKey(context);
    if (key === '') throw new CliError('no unlock key is set');
    if (quiet === true) out.write(`${key}\n`);
    else printUnlockCommand(out, key);
  });
}
