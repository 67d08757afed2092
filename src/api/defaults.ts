import type { Nanoseconds } from './objects/common.ts';
import type { SwarmSpec } from './objects/cluster.ts';
import type { ServiceSpec, UpdateConfig } from './objects/service-spec.ts';
import type { RestartPolicy, TaskSpec } from './objects/task-spec.ts';

/** One millisecond in nanoseconds. */
export const MILLISECOND: Nanoseconds = 1_000_000;
/** One second in nanoseconds. */
export const SECOND: Nanoseconds = 1_000 * MILLISECOND;
/** One hour in nanoseconds. */
export const HOUR: Nanoseconds = 3_600 * SECOND;

/** Dead tasks kept per slot (`--task-history-limit`). */
export const DEFAULT_TASK_HISTORY_LIMIT = 5;
/** Raft log entries between snapshots. */
export const DEFAULT_SNAPSHOT_INTERVAL = 10_000;
/** Snapshots kept beyond the current one. */
export const DEFAULT_KEEP_OLD_SNAPSHOTS = 0;
/** Entries kept after a snapshot so slow followers can catch up without one. */
export const DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS = 500;
/** Ticks without a leader before a follower campaigns. */
export const DEFAULT_ELECTION_TICK = 10;
/** Ticks between leader heartbeats. */
export const DEFAULT_HEARTBEAT_TICK = 1;
/** Agent heartbeat period: 5 s. */
export const DEFAULT_HEARTBEAT_PERIOD: Nanoseconds = 5 * SECOND;
/** Node certificate validity: 90 days. */
export const DEFAULT_NODE_CERT_EXPIRY: Nanoseconds = 90 * 24 * HOUR;
/** Shortest node certificate validity a cluster accepts: 1 h. */
export const MIN_NODE_CERT_EXPIRY: Nanoseconds = HOUR;
/** Wait between the stop signal and the kill: 10 s. */
export const DEFAULT_STOP_GRACE_PERIOD: Nanoseconds = 10 * SECOND;

/** Swarm's default rolling-update strategy (rollbacks use the same). */
export const DEFAULT_UPDATE_CONFIG: Readonly<Required<UpdateConfig>> = {
  Parallelism: 1,
  Delay: 0,
  FailureAction: 'pause',
  Monitor: 5 * SECOND,
  MaxFailureRatio: 0,
  Order: 'stop-first',
};

/** Swarm's default restart policy: always restart, after 5 s, without limit. */
export const DEFAULT_RESTART_POLICY: Readonly<Required<Omit<RestartPolicy, 'Window'>>> = {
  Condition: 'any',
  Delay: 5 * SECOND,
  MaxAttempts: 0,
};

/** The spec of a fresh swarm (`docker swarm init` without options). A new object each call. */
export function defaultSwarmSpec(): SwarmSpec {
  return {
    Name: 'default',
    Labels: {},
    Orchestration: { TaskHistoryRetentionLimit: DEFAULT_TASK_HISTORY_LIMIT },
    Raft: {
      SnapshotInterval: DEFAULT_SNAPSHOT_INTERVAL,
      KeepOldSnapshots: DEFAULT_KEEP_OLD_SNAPSHOTS,
      LogEntriesForSlowFollowers: DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
      ElectionTick: DEFAULT_ELECTION_TICK,
      HeartbeatTick: DEFAULT_HEARTBEAT_TICK,
    },
    Dispatcher: { HeartbeatPeriod: DEFAULT_HEARTBEAT_PERIOD },
    CAConfig: { NodeCertExpiry: DEFAULT_NODE_CERT_EXPIRY },
    EncryptionConfig: { AutoLockManagers: false },
    TaskDefaults: {},
  };
}

/** An update config with Swarm's defaults; an unset (or 0) `Monitor` means the default. */
function updateConfigWithDefaults(config: UpdateConfig | undefined): UpdateConfig {
  if (config === undefined) {
    const { Delay: _delay, ...defaults } = DEFAULT_UPDATE_CONFIG;
    return defaults;
  }
  if (config.Monitor !== undefined && config.Monitor !== 0) return config;
  return { ...config, Monitor: DEFAULT_UPDATE_CONFIG.Monitor };
}

function taskSpecWithDefaults(task: TaskSpec): TaskSpec {
  const container = task.ContainerSpec;
  const restart = task.RestartPolicy;
  return {
    ...task,
    ...(container === undefined
      ? {}
      : {
          ContainerSpec: {
            ...container,
            StopGracePeriod: container.StopGracePeriod ?? DEFAULT_STOP_GRACE_PERIOD,
            DNSConfig: container.DNSConfig ?? {},
          },
        }),
    Resources: task.Resources ?? {},
    RestartPolicy:
      restart === undefined
        ? DEFAULT_RESTART_POLICY
        : { ...restart, Delay: restart.Delay ?? DEFAULT_RESTART_POLICY.Delay },
    Placement: task.Placement ?? {},
  };
}

/**
 * The spec as `GET /services/{id}?insertDefaults=true` shows it: every unset field Swarm
 * has a default for is filled in (stop grace period, DNS config, resources, restart policy
 * and its delay, placement, update and rollback config and their monitor). Set fields are
 * kept, jobs included (as Swarm does). Pure: returns a new spec, never mutates.
 */
export function withServiceDefaults(spec: ServiceSpec): ServiceSpec {
  return {
    ...spec,
    TaskTemplate: taskSpecWithDefaults(spec.TaskTemplate ?? {}),
    UpdateConfig: updateConfigWithDefaults(spec.UpdateConfig),
    RollbackConfig: updateConfigWithDefaults(spec.RollbackConfig),
  };
}
