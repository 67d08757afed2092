import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_UPDATE_CONFIG,
  SECOND,
  defaultSwarmSpec,
  withServiceDefaults,
} from '../../src/api/defaults.ts';
import type { ServiceSpec } from '../../src/api/objects/service-spec.ts';
import { aServiceSpec } from './support/objects.ts';

describe('Swarm defaults (reference §2)', () => {
  test('a fresh swarm spec', () => {
    assert.deepEqual(defaultSwarmSpec(), {
      Name: 'default',
      Labels: {},
      Orchestration: { TaskHistoryRetentionLimit: 5 },
      Raft: {
        SnapshotInterval: 10000,
        KeepOldSnapshots: 0,
        LogEntriesForSlowFollowers: 500,
        ElectionTick: 10,
        HeartbeatTick: 1,
      },
      Dispatcher: { HeartbeatPeriod: 5_000_000_000 },
      CAConfig: { NodeCertExpiry: 7_776_000_000_000_000 },
      EncryptionConfig: { AutoLockManagers: false },
      TaskDefaults: {},
    });
    assert.notEqual(defaultSwarmSpec(), defaultSwarmSpec());
  });

  test('update and restart policies', () => {
    assert.deepEqual(DEFAULT_UPDATE_CONFIG, {
      Parallelism: 1,
      Delay: 0,
      FailureAction: 'pause',
      Monitor: 5 * SECOND,
      MaxFailureRatio: 0,
      Order: 'stop-first',
    });
    assert.deepEqual(DEFAULT_RESTART_POLICY, {
      Condition: 'any',
      Delay: 5 * SECOND,
      MaxAttempts: 0,
    });
  });
});

describe('withServiceDefaults (insertDefaults=true)', () => {
  const update = {
    Parallelism: 1,
    FailureAction: 'pause',
    Monitor: 5_000_000_000,
    MaxFailureRatio: 0,
    Order: 'stop-first',
  };

  test('fills every default of a bare spec', () => {
    assert.deepEqual(withServiceDefaults(aServiceSpec()), {
      Name: 'web',
      TaskTemplate: {
        ContainerSpec: { Image: 'nginx:1.25', StopGracePeriod: 10_000_000_000, DNSConfig: {} },
        Resources: {},
        RestartPolicy: { Condition: 'any', Delay: 5_000_000_000, MaxAttempts: 0 },
        Placement: {},
      },
      UpdateConfig: update,
      RollbackConfig: update,
    });
  });

  const cases: { name: string; spec: ServiceSpec; check: (s: ServiceSpec) => void }[] = [
    {
      name: 'keeps a set restart policy, filling only its delay',
      spec: aServiceSpec({
        TaskTemplate: { ContainerSpec: { Image: 'x' }, RestartPolicy: { Condition: 'none' } },
      }),
      check: (s) =>
        assert.deepEqual(s.TaskTemplate?.RestartPolicy, { Condition: 'none', Delay: 5 * SECOND }),
    },
    {
      name: 'fills a zero monitor and keeps the rest of a set update config',
      spec: aServiceSpec({ UpdateConfig: { Parallelism: 3, Monitor: 0, Order: 'start-first' } }),
      check: (s) =>
        assert.deepEqual(s.UpdateConfig, {
          Parallelism: 3,
          Monitor: 5 * SECOND,
          Order: 'start-first',
        }),
    },
    {
      name: 'keeps a set monitor and stop grace period',
      spec: aServiceSpec({
        TaskTemplate: { ContainerSpec: { Image: 'x', StopGracePeriod: 0 } },
        RollbackConfig: { Monitor: SECOND },
      }),
      check: (s) => {
        assert.equal(s.TaskTemplate?.ContainerSpec?.StopGracePeriod, 0);
        assert.deepEqual(s.RollbackConfig, { Monitor: SECOND });
      },
    },
    {
      name: 'leaves a spec without a container spec without one',
      spec: { Name: 'x' },
      check: (s) => assert.equal(s.TaskTemplate?.ContainerSpec, undefined),
    },
  ];
  for (const { name, spec, check } of cases) {
    test(name, () => check(withServiceDefaults(spec)));
  }

  test('never mutates its input', () => {
    const spec = Object.freeze(aServiceSpec());
    withServiceDefaults(spec);
    assert.deepEqual(spec, aServiceSpec());
  });
});
