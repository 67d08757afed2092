import { Option } from 'commander';
import type { ExternalCA, SwarmSpec } from '../../../api/objects/cluster.ts';
import { formatGoDuration } from '../../format/go-duration.ts';
import { externalCaFlag } from '../../options/external-ca.ts';
import { durationFlag, intFlag, uintFlag } from '../../options/flag-parsers.ts';
import type { ShoalCommand } from '../../shoal-command.ts';

/** The values of the flags shared by `swarm init`, `swarm update` and (CA part) `swarm ca`. */
export interface SwarmFlagValues {
  readonly taskHistoryLimit?: number;
  readonly dispatcherHeartbeat?: number;
  readonly maxSnapshots?: number;
  readonly snapshotInterval?: number;
  readonly autolock?: boolean;
  readonly certExpiry?: number;
  readonly externalCa?: readonly ExternalCA[];
}

const NINETY_DAYS_NS = 90 * 24 * 3600e9;
const FIVE_SECONDS_NS = 5e9;

/** Adds `--cert-expiry` and `--external-ca` (docker's `addSwarmCAFlags`). */
export function addSwarmCaFlags(command: ShoalCommand): void {
  command.addOption(
    new Option('--cert-expiry <duration>', 'Validity period for node certificates (ns|us|ms|s|m|h)')
      .argParser(durationFlag)
      .default(NINETY_DAYS_NS, formatGoDuration(NINETY_DAYS_NS)),
  );
  command.addOption(
    new Option(
      '--external-ca <external-ca>',
      'Specifications of one or more certificate signing endpoints',
    ).argParser(externalCaFlag),
  );
}

/** Adds docker's `addSwarmFlags`: history limit, heartbeat, snapshots and the CA flags. */
export function addSwarmFlags(command: ShoalCommand): void {
  command
    .addOption(
      new Option('--task-history-limit <int>', 'Task history retention limit')
        .argParser(intFlag)
        .default(5),
    )
    .addOption(
      new Option(
        '--dispatcher-heartbeat <duration>',
        'Dispatcher heartbeat period (ns|us|ms|s|m|h)',
      )
        .argParser(durationFlag)
        .default(FIVE_SECONDS_NS, formatGoDuration(FIVE_SECONDS_NS)),
    )
    .addOption(
      new Option(
        '--max-snapshots <uint>',
        'Number of additional Raft snapshots to retain',
      ).argParser(uintFlag),
    )
    .addOption(
      new Option('--snapshot-interval <uint>', 'Number of log entries between Raft snapshots')
        .argParser(uintFlag)
        .default(10000),
    );
  addSwarmCaFlags(command);
}

type MutableSpec = { -readonly [K in keyof SwarmSpec]: SwarmSpec[K] };

/**
 * `spec` with the flags the user set merged in (docker's `mergeSwarmSpec`): only changed
 * flags apply, each to its field. External CAs without a certificate get `trustRoot`.
 * Pure: `spec` is not modified.
 */
export function mergeSwarmSpec(
  spec: SwarmSpec,
  command: ShoalCommand,
  values: SwarmFlagValues,
  trustRoot?: string,
): SwarmSpec {
  const out: MutableSpec = { ...spec };
  const set = <K extends keyof SwarmFlagValues>(key: K): SwarmFlagValues[K] | undefined =>
    command.changed(key) ? values[key] : undefined;
  const history = set('taskHistoryLimit');
  if (history !== undefined)
    out.Orchestration = { ...spec.Orchestration, TaskHistoryRetentionLimit: history };
  const heartbeat = set('dispatcherHeartbeat');
  if (heartbeat !== undefined) out.Dispatcher = { ...spec.Dispatcher, HeartbeatPeriod: heartbeat };
  const keep = set('maxSnapshots');
  const interval = set('snapshotInterval');
  if (keep !== undefined || interval !== undefined) {
    // Go encodes RaftConfig's fields in this order; keep it so bodies match docker's.
    const { SnapshotInterval, KeepOldSnapshots, ...rest } = spec.Raft ?? {};
    const snapshots = interval ?? SnapshotInterval;
    const kept = keep ?? KeepOldSnapshots;
    out.Raft = {
      ...(snapshots === undefined ? {} : { SnapshotInterval: snapshots }),
      ...(kept === undefined ? {} : { KeepOldSnapshots: kept }),
      ...rest,
    };
  }
  const autolock = set('autolock');
  if (autolock !== undefined)
    out.EncryptionConfig = { ...spec.EncryptionConfig, AutoLockManagers: autolock };
  return mergeCaFlags(out, command, values, trustRoot);
}

/** `spec` with `--cert-expiry` and `--external-ca` merged in, when set. Pure. */
export function mergeCaFlags(
  spec: SwarmSpec,
  command: ShoalCommand,
  values: SwarmFlagValues,
  trustRoot?: string,
): SwarmSpec {
  let ca = spec.CAConfig;
  if (command.changed('certExpiry') && values.certExpiry !== undefined) {
    ca = { ...ca, NodeCertExpiry: values.certExpiry };
  }
  if (command.changed('externalCa')) {
    const cas = (values.externalCa ?? []).map((c) =>
      trustRoot !== undefined && (c.CACert ?? '') === '' ? { ...c, CACert: trustRoot } : c,
    );
    ca = { ...ca, ExternalCAs: cas };
  }
  return ca === undefined || ca === spec.CAConfig ? spec : { ...spec, CAConfig: ca };
}
