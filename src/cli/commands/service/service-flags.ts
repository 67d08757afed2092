import { InvalidArgumentError } from 'commander';
import type { Mount } from '../../../api/objects/container-spec.ts';
import type { PortConfig } from '../../../api/objects/service-spec.ts';
import { collect, durationFlag, intFlag, uintFlag } from '../../options/flag-parsers.ts';
import { mountFlag } from '../../options/mount-flag.ts';
import { publishFlag } from '../../options/publish-flag.ts';
import { memoryBytesFlag, nanoCpusFlag } from '../../options/unit-flags.ts';
import type { ShoalCommand } from '../../shoal-command.ts';

/** Flag values shared by `service create` and `service update`, camel-cased as commander keys them. */
export interface ServiceFlagValues {
  readonly detach?: boolean;
  readonly quiet?: boolean;
  readonly replicas?: number;
  readonly replicasMaxPerNode?: number;
  readonly maxConcurrent?: number;
  readonly entrypoint?: string;
  readonly workdir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly init?: boolean;
  readonly tty?: boolean;
  readonly readOnly?: boolean;
  readonly stopSignal?: string;
  readonly stopGracePeriod?: number;
  readonly limitCpu?: number;
  readonly limitMemory?: number;
  readonly limitPids?: number;
  readonly reserveCpu?: number;
  readonly reserveMemory?: number;
  readonly restartCondition?: string;
  readonly restartDelay?: number;
  readonly restartMaxAttempts?: number;
  readonly restartWindow?: number;
  readonly updateParallelism?: number;
  readonly updateDelay?: number;
  readonly updateFailureAction?: string;
  readonly updateMonitor?: number;
  readonly updateMaxFailureRatio?: number;
  readonly updateOrder?: string;
  readonly rollbackParallelism?: number;
  readonly rollbackDelay?: number;
  readonly rollbackFailureAction?: string;
  readonly rollbackMonitor?: number;
  readonly rollbackMaxFailureRatio?: number;
  readonly rollbackOrder?: string;
  readonly healthCmd?: string;
  readonly healthInterval?: number;
  readonly healthTimeout?: number;
  readonly healthRetries?: number;
  readonly healthStartPeriod?: number;
  /** False with `--no-healthcheck`. */
  readonly healthcheck?: boolean;
  readonly endpointMode?: string;
  readonly logDriver?: string;
  readonly logOpt?: string[];
}

/** Flags only `service create` has (the list forms `update` spells `-add`). */
export interface ServiceCreateValues extends ServiceFlagValues {
  readonly name?: string;
  readonly mode?: string;
  readonly label?: string[];
  readonly containerLabel?: string[];
  readonly env?: string[];
  readonly envFile?: string[];
  readonly constraint?: string[];
  readonly placementPref?: string[];
  readonly mount?: Mount[];
  readonly publish?: PortConfig[];
  readonly host?: string[];
}

function floatFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`strconv.ParseFloat: parsing "${value}": invalid syntax`);
  }
  return n;
}

/** Adds the flags `service create` and `service update` share, with docker's help texts. */
export function addSharedServiceFlags(command: ShoalCommand): void {
  command
    .flag('-d, --detach', 'Exit immediately instead of waiting for the service to converge')
    .flag('-q, --quiet', 'Suppress progress output')
    .option('--replicas <uint>', 'Number of tasks', uintFlag)
    .option(
      '--replicas-max-per-node <uint>',
      'Maximum number of tasks per node (default 0 = unlimited)',
      uintFlag,
    )
    .option(
      '--max-concurrent <uint>',
      'Number of job tasks to run concurrently (default equal to --replicas)',
      uintFlag,
    )
    .option('--entrypoint <command>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])')
    .option('--hostname <string>', 'Container hostname')
    .flag(
      '--init',
      'Use an init inside each service container to forward signals and reap processes',
    )
    .flag('-t, --tty', 'Allocate a pseudo-TTY')
    .flag('--read-only', "Mount the container's root filesystem as read only")
    .option('--stop-signal <string>', 'Signal to stop the container')
    .option(
      '--stop-grace-period <duration>',
      'Time to wait before force killing a container (ns|us|ms|s|m|h) (default 10s)',
      durationFlag,
    )
    .option('--limit-cpu <decimal>', 'Limit CPUs', nanoCpusFlag)
    .option('--limit-memory <bytes>', 'Limit Memory', memoryBytesFlag)
    .option(
      '--limit-pids <int>',
      'Limit maximum number of processes (default 0 = unlimited)',
      intFlag,
    )
    .option('--reserve-cpu <decimal>', 'Reserve CPUs', nanoCpusFlag)
    .option('--reserve-memory <bytes>', 'Reserve Memory', memoryBytesFlag)
    .option(
      '--restart-condition <string>',
      'Restart when condition is met ("none", "on-failure", "any") (default "any")',
    )
    .option(
      '--restart-delay <duration>',
      'Delay between restart attempts (ns|us|ms|s|m|h) (default 5s)',
      durationFlag,
    )
    .option(
      '--restart-max-attempts <uint>',
      'Maximum number of restarts before giving up',
      uintFlag,
    )
    .option(
      '--restart-window <duration>',
      'Window used to evaluate the restart policy (ns|us|ms|s|m|h)',
      durationFlag,
    )
    .option(
      '--update-parallelism <uint>',
      'Maximum number of tasks updated simultaneously (0 to update all at once) (default 1)',
      uintFlag,
    )
    .option(
      '--update-delay <duration>',
      'Delay between updates (ns|us|ms|s|m|h) (default 0s)',
      durationFlag,
    )
    .option(
      '--update-failure-action <string>',
      'Action on update failure ("pause", "continue", "rollback") (default "pause")',
    )
    .option(
      '--update-monitor <duration>',
      'Duration after each task update to monitor for failure (ns|us|ms|s|m|h) (default 5s)',
      durationFlag,
    )
    .option(
      '--update-max-failure-ratio <float>',
      'Failure rate to tolerate during an update',
      floatFlag,
    )
    .option(
      '--update-order <string>',
      'Update order ("start-first", "stop-first") (default "stop-first")',
    )
    .option(
      '--rollback-parallelism <uint>',
      'Maximum number of tasks rolled back simultaneously (0 to roll back all at once) (default 1)',
      uintFlag,
    )
    .option(
      '--rollback-delay <duration>',
      'Delay between task rollbacks (ns|us|ms|s|m|h) (default 0s)',
      durationFlag,
    )
    .option(
      '--rollback-failure-action <string>',
      'Action on rollback failure ("pause", "continue") (default "pause")',
    )
    .option(
      '--rollback-monitor <duration>',
      'Duration after each task rollback to monitor for failure (ns|us|ms|s|m|h) (default 5s)',
      durationFlag,
    )
    .option(
      '--rollback-max-failure-ratio <float>',
      'Failure rate to tolerate during a rollback',
      floatFlag,
    )
    .option(
      '--rollback-order <string>',
      'Rollback order ("start-first", "stop-first") (default "stop-first")',
    )
    .option('--health-cmd <string>', 'Command to run to check health')
    .option(
      '--health-interval <duration>',
      'Time between running the check (ms|s|m|h)',
      durationFlag,
    )
    .option(
      '--health-timeout <duration>',
      'Maximum time to allow one check to run (ms|s|m|h)',
      durationFlag,
    )
    .option('--health-retries <int>', 'Consecutive failures needed to report unhealthy', intFlag)
    .option(
      '--health-start-period <duration>',
      'Start period for the container to initialize before counting retries towards unstable (ms|s|m|h)',
      durationFlag,
    )
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK')
    .option('--endpoint-mode <string>', 'Endpoint mode (vip or dnsrr) (default "vip")')
    .option('--log-driver <string>', 'Logging driver for service')
    .option('--log-opt <list>', 'Logging driver options', collect);
}

/** Adds the flags only `service create` has. */
export function addCreateOnlyFlags(command: ShoalCommand): void {
  command
    .option('--name <string>', 'Service name')
    .option(
      '--mode <string>',
      'Service mode ("replicated", "global", "replicated-job", "global-job") (default "replicated")',
    )
    .option('-l, --label <list>', 'Service labels', collect)
    .option('--container-label <list>', 'Container labels', collect)
    .option('-e, --env <list>', 'Set environment variables', collect)
    .option('--env-file <list>', 'Read in a file of environment variables', collect)
    .option('--constraint <list>', 'Placement constraints', collect)
    .option('--placement-pref <pref>', 'Add a placement preference', collect)
    .option('--mount <mount>', 'Attach a filesystem mount to the service', mountFlag)
    .option('-p, --publish <port>', 'Publish a port as a node port', publishFlag)
    .option('--host <list>', 'Set one or more custom host-to-IP mappings (host:ip)', collect);
}
