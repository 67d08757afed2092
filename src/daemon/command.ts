import { Option } from 'commander';
import type { Command } from 'commander';
import { SystemClock } from '../base/clock.ts';
import { ShoalError } from '../base/errors.ts';
import { JsonLogger } from '../base/logger.ts';
import { CliError } from '../cli/cli-error.ts';
import { shoalVersion } from '../cli/main.ts';
import {
  daemonConfigFrom,
  DEFAULT_API_SOCKET,
  DEFAULT_DATA_DIR,
  DEFAULT_LISTEN_ADDR,
} from './config.ts';
import type { DaemonFlags } from './config.ts';
import { Daemon } from './daemon.ts';
import { addDemoCommand } from './demo/demo-command.ts';

/**
 * Runs a daemon until SIGTERM or SIGINT, then stops it cleanly. Resolves with the exit code:
 * 0 after a clean stop, 1 when it could not start (the reason is logged and printed).
 */
export async function runDaemon(flags: DaemonFlags): Promise<number> {
  let config;
  try {
    config = daemonConfigFrom(flags);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  const logger = new JsonLogger(config.logLevel, { node: config.hostname });
  const daemon = new Daemon(config, {
    clock: new SystemClock(),
    logger,
    identity: { version: shoalVersion() },
    ...(config.raftTickMs === undefined ? {} : { swarmTiming: { tickMs: config.raftTickMs } }),
  });
  try {
    await daemon.start();
  } catch (err) {
    const message = err instanceof ShoalError ? err.message : String(err);
    logger.error('daemon failed to start', { error: message });
    process.stderr.write(`shoal daemon: ${message}\n`);
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('stopping on signal', { signal });
  await daemon.stop();
  return 0;
}

/**
 * Adds `shoal daemon` with dockerd-style flags to the CLI program, and beside it `shoal demo`
 * (a local three-node swarm of daemons, see `demo/`).
 */
export function addDaemonCommand(program: Command): void {
  program
    .command('daemon')
    .description('run a shoal node (outside any swarm until `swarm init` or `swarm join`)')
    .option('--data-dir <dir>', 'node identity, certificates and Raft state', DEFAULT_DATA_DIR)
    .option('--api-socket <path>', 'unix socket of the Engine API', DEFAULT_API_SOCKET)
    .option('--api-tcp <ip:port>', 'also serve the Engine API on TCP (TLS unless loopback)')
    .option('--tlscert <file>', 'certificate for --api-tcp')
    .option('--tlskey <file>', 'key for --api-tcp')
    .option('--tlscacert <file>', 'CA for client certificates on --api-tcp')
    .option('--tlsverify', 'require client certificates on --api-tcp')
    .option('--listen-addr <ip:port>', 'cluster traffic (mutual TLS)', DEFAULT_LISTEN_ADDR)
    .option('--advertise-addr <ip[:port]>', 'address other nodes use to reach this one')
    .option('--hostname <name>', 'node hostname (default: the machine name)')
    .option('--executor <kind>', 'docker, process or auto', 'auto')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    // Test timing: shorter ticks give sub-second elections to process-level cluster tests.
    .addOption(new Option('--raft-tick-ms <ms>', 'milliseconds per Raft tick (tests)').hideHelp())
    .action(async (flags: DaemonFlags) => {
      const code = await runDaemon(flags);
      // runDaemon has already said why; the CLI only carries the exit code out.
      if (code !== 0) throw new CliError('', code);
    });
  addDemoCommand(program);
}
