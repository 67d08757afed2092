import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR, defaultSwarmSpec } from '../../src/api/defaults.ts';
import { normalizeSwarmSpec } from '../../src/api/normalize-swarm-spec.ts';

test('an empty spec is the default spec', () => {
  assert.deepEqual(normalizeSwarmSpec({}), defaultSwarmSpec());
});

test('zero values mean the default, set values stay', () => {
  const spec = normalizeSwarmSpec({
    Name: '',
    Labels: { env: 'prod' },
    Orchestration: { TaskHistoryRetentionLimit: -1 },
    Raft: { SnapshotInterval: 0, KeepOldSnapshots: 2, ElectionTick: 0, HeartbeatTick: 0 },
    Dispatcher: { HeartbeatPeriod: 0 },
    CAConfig: { NodeCertExpiry: 2 * HOUR, ForceRotate: 3 },
    EncryptionConfig: { AutoLockManagers: true },
  });
  assert.deepEqual(spec, {
    Name: 'default',
    Labels: { env: 'prod' },
    Orchestration: { TaskHistoryRetentionLimit: -1 },
    Raft: {
      SnapshotInterval: 10000,
      KeepOldSnapshots: 2,
      LogEntriesForSlowFollowers: 500,
      ElectionTick: 10,
      HeartbeatTick: 1,
    },
    Dispatcher: { HeartbeatPeriod: 5_000_000_000 },
    CAConfig: { NodeCertExpiry: 2 * HOUR, ForceRotate: 3 },
    EncryptionConfig: { AutoLockManagers: true },
    TaskDefaults: {},
  });
});

test('a zero history limit is kept: it is a real setting, not a zero value', () => {
  assert.equal(
    normalizeSwarmSpec({ Orchestration: { TaskHistoryRetentionLimit: 0 } }).Orchestration
      ?.TaskHistoryRetentionLimit,
    0,
  );
});
