import type { CommandContext } from '../../command-context.ts';
import { exactArgs, noArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addNodeAddressFlags, availabilityFlag } from './swarm-init.ts';

interface JoinValues {
  readonly listenAddr: string;
  readonly advertiseAddr?: string;
  readonly dataPathAddr?: string;
  readonly token?: string;
  readonly availability: string;
}

/**
 * `shoal swarm join --token TOKEN HOST:PORT`: `POST /swarm/join`, then `GET /info` to tell
 * "This node joined a swarm as a manager." from "...as a worker.".
 */
export function addSwarmJoinCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm
    .command('join')
    .use('[OPTIONS] HOST:PORT')
    .description('Join a swarm as a node and/or manager');
  addNodeAddressFlags(command);
  command.option('--token <string>', 'Token for entry into the swarm');
  command.run(exactArgs(1), async ([remote = '']) => {
    const values = command.opts<JoinValues>();
    const api = context.api();
    await api.swarmJoin({
      ListenAddr: values.listenAddr,
      AdvertiseAddr: values.advertiseAddr ?? '',
      DataPathAddr: values.dataPathAddr ?? '',
      RemoteAddrs: [remote],
      JoinToken: values.token ?? '',
      Availability: availabilityFlag(command, values.availability),
    });
    const info = await api.info();
    const role = info.Swarm?.ControlAvailable === true ? 'manager' : 'worker';
    context.io.stdout.write(`This node joined a swarm as a ${role}.\n`);
  });
}

/** `shoal swarm leave [--force]`: `POST /swarm/leave`, then "Node left the swarm.". */
export function addSwarmLeaveCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm.command('leave').use('[OPTIONS]').description('Leave the swarm');
  command.flag('-f, --force', 'Force this node to leave the swarm, ignoring warnings');
  command.run(noArgs, async () => {
    await context.api().swarmLeave(command.opts<{ force?: boolean }>().force === true);
    context.io.stdout.write('Node left the swarm.\n');
  });
}
