import {
  DEFAULT_ELECTION_TICK,
  DEFAULT_HEARTBEAT_PERIOD,
  DEFAULT_HEARTBEAT_TICK,
  DEFAULT_KEEP_OLD_SNAPSHOTS,
  DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
  DEFAULT_NODE_CERT_EXPIRY,
  DEFAULT_SNAPSHOT_INTERVAL,
  DEFAULT_TASK_HISTORY_LIMIT,
} from './defaults.ts';
import type { SwarmSpec } from './objects/cluster.ts';

/** `value` unless it is unset or zero, which Docker's swarm spec reads as "use the default". */
function orDefault(value: number | undefined, fallback: number): number {
  return value === undefined || value === 0 ? fallback : value;
}

/**
 * The swarm spec a `POST /swarm/init` or `/swarm/update` body stands for. Docker's update
 * is a full replacement in which "a field specified with 0 or nil" takes the default, so:
 * an empty name becomes "default"; an unset task history limit or snapshot count, and a zero
 * or unset snapshot interval, slow-follower entries, election and heartbeat ticks,
 * heartbeat period and certificate expiry take the defaults of a fresh swarm. Labels,
 * external CAs, signing CA, `ForceRotate`, autolock and task defaults are taken as given.
 * Validate first (validateSwarmSpec). Pure.
 */
export function normalizeSwarmSpec(spec: SwarmSpec): SwarmSpec {
  const raft = spec.Raft ?? {};
  const ca = spec.CAConfig ?? {};
  return {
    Name: spec.Name === undefined || spec.Name === '' ? 'default' : spec.Name,
    Labels: spec.Labels ?? {},
    Orchestration: {
      TaskHistoryRetentionLimit:
        spec.Orchestration?.TaskHistoryRetentionLimit ?? DEFAULT_TASK_HISTORY_LIMIT,
    },
    Raft: {
      SnapshotInterval: orDefault(raft.SnapshotInterval, DEFAULT_SNAPSHOT_INTERVAL),
      KeepOldSnapshots: raft.KeepOldSnapshots ?? DEFAULT_KEEP_OLD_SNAPSHOTS,
      LogEntriesForSlowFollowers: orDefault(
        raft.LogEntriesForSlowFollowers,
        DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
      ),
      ElectionTick: orDefault(raft.ElectionTick, DEFAULT_ELECTION_TICK),
      HeartbeatTick: orDefault(raft.HeartbeatTick, DEFAULT_HEARTBEAT_TICK),
    },
    Dispatcher: {
      HeartbeatPeriod: orDefault(spec.Dispatcher?.HeartbeatPeriod, DEFAULT_HEARTBEAT_PERIOD),
    },
    CAConfig: { ...ca, NodeCertExpiry: orDefault(ca.NodeCertExpiry, DEFAULT_NODE_CERT_EXPIRY) },
    EncryptionConfig: { AutoLockManagers: spec.EncryptionConfig?.AutoLockManagers ?? false },
    TaskDefaults: spec.TaskDefaults ?? {},
  };
}
