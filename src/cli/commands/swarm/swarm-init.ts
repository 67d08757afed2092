import { Option } from 'commander';
import type { SwarmSpec } from '../../../api/objects/cluster.ts';
import type { NodeAvailability } from '../../../api/objects/node.ts';
import { CliError } from '../../cli-error.ts';
import type { SwarmInitRequest } from '../../client/engine-api.ts';
import { DaemonError } from '../../client/engine-errors.ts';
import type { CommandContext } from '../../command-context.ts';
import { cidrListFlag, uintFlag } from '../../options/flag-parsers.ts';
import { DEFAULT_LISTEN_ADDR, parseNodeAddress } from '../../options/node-address.ts';
import { noArgs } from '../../shoal-command.ts';
import type { ShoalCommand } from '../../shoal-command.ts';
import { addSwarmFlags, mergeSwarmSpec } from './swarm-flags.ts';
import type { SwarmFlagValues } from './swarm-flags.ts';
import { printJoinCommand, printUnlockCommand } from './swarm-messages.ts';

interface InitValues extends SwarmFlagValues {
  readonly listenAddr: string;
  readonly advertiseAddr?: string;
  readonly dataPathAddr?: string;
  readonly dataPathPort?: number;
  readonly forceNewCluster?: boolean;
  readonly availability: string;
  readonly defaultAddrPool?: readonly string[];
  readonly defaultAddrPoolMaskLength: number;
}

/** The spec a Go client sends when no flag is set: every struct present, zero-valued. */
const ZERO_SPEC: SwarmSpec = {
  Orchestration: {},
  Raft: { ElectionTick: 0, HeartbeatTick: 0 },
  Dispatcher: {},
  CAConfig: {},
  TaskDefaults: {},
  EncryptionConfig: { AutoLockManagers: false },
};

/**
 * Checks an `--availability` value (docker's wording); '' when the flag was not given,
 * so the daemon applies its default.
 */
export function availabilityFlag(command: ShoalCommand, value: string): NodeAvailability | '' {
  if (!command.changed('availability')) return '';
  const lower = value.toLowerCase();
  if (lower === 'active' || lower === 'pause' || lower === 'drain') return lower;
  throw new CliError(`invalid availability "${value}", only active, pause and drain are supported`);
}

/** Adds the options `--listen-addr`, `--advertise-addr`, `--data-path-addr`, `--availability`. */
export function addNodeAddressFlags(command: ShoalCommand): void {
  command
    .addOption(
      new Option('--listen-addr <node-addr>', 'Listen address (format: "<ip|interface>[:port]")')
        .argParser((value) => parseNodeAddress(value))
        .default(DEFAULT_LISTEN_ADDR),
    )
    .option('--advertise-addr <string>', 'Advertised address (format: "<ip|interface>[:port]")')
    .option(
      '--data-path-addr <string>',
      'Address or interface to use for data path traffic (format: "<ip|interface>")',
    )
    .option(
      '--availability <string>',
      'Availability of the node ("active", "pause", "drain")',
      'active',
    );
}

/**
 * `shoal swarm init`: `POST /swarm/init`, then prints the node ID, the worker join command
 * (from `GET /nodes/{id}` and `GET /swarm`), how to get the manager command, and with
 * `--autolock` the unlock key (`GET /swarm/unlockkey`).
 */
export function addSwarmInitCommand(swarm: ShoalCommand, context: CommandContext): void {
  const command = swarm.command('init').use('[OPTIONS]').description('Initialize a swarm');
  addNodeAddressFlags(command);
  command
    .option(
      '--data-path-port <uint32>',
      'Port number to use for data path traffic (1024 - 49151). If no value is set or is set to 0, the default port (4789) is used.',
      uintFlag,
    )
    .flag('--force-new-cluster', 'Force create a new cluster from current state')
    .flag(
      '--autolock',
      'Enable manager autolocking (requiring an unlock key to start a stopped manager)',
    )
    .option('--default-addr-pool <ipNetSlice>', 'default address pool in CIDR format', cidrListFlag)
    .addOption(
      new Option(
        '--default-addr-pool-mask-length <uint32>',
        'default address pool subnet mask length',
      )
        .argParser(uintFlag)
        .default(24),
    );
  addSwarmFlags(command);
  command.run(noArgs, () => runInit(command, context));
}

/** `swarm init`'s action: the request from the flags, then docker's printout. */
async function runInit(command: ShoalCommand, context: CommandContext): Promise<void> {
  const values = command.opts<InitValues>();
  const api = context.api();
  const out = context.io.stdout;
  const request: SwarmInitRequest = {
    ListenAddr: values.listenAddr,
    AdvertiseAddr: values.advertiseAddr ?? '',
    DataPathAddr: values.dataPathAddr ?? '',
    DataPathPort: values.dataPathPort ?? 0,
    ForceNewCluster: values.forceNewCluster ?? false,
    Spec: { Labels: null, ...mergeSwarmSpec(ZERO_SPEC, command, values) },
    AutoLockManagers: values.autolock ?? false,
    Availability: availabilityFlag(command, values.availability),
    DefaultAddrPool: values.defaultAddrPool ?? [],
    SubnetSize: values.defaultAddrPoolMaskLength,
  };
  let nodeId: string;
  try {
    nodeId = await api.swarmInit(request);
  } catch (err) {
    const noAddress = /could not (choose an IP address to advertise|find the system's IP address)/;
    if (err instanceof DaemonError && noAddress.test(err.message)) {
      throw new CliError(`${err.message} - specify one with --advertise-addr`);
    }
    throw err;
  }
  out.write(`Swarm initialized: current node (${nodeId}) is now a manager.\n\n`);
  await printJoinCommand(api, out, nodeId, { worker: true, manager: false });
  out.write(
    "To add a manager to this swarm, run 'shoal swarm join-token manager' and follow the instructions.\n",
  );
  if (values.autolock === true) printUnlockCommand(out, await fetchUnlockKey(context));
}

/** `GET /swarm/unlockkey`, its failure worded as docker's. */
export async function fetchUnlockKey(context: CommandContext): Promise<string> {
  try {
    return await context.api().swarmUnlockKey();
  } catch (err) {
    throw new CliError(`could not fetch unlock key: ${(err as Error).message}`);
  }
}
