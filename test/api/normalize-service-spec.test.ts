import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normalizeServiceMode,
  normalizeServiceSpec,
} from '../../src/api/normalize-service-spec.ts';
import type { ServiceMode, ServiceSpec } from '../../src/api/objects/service-spec.ts';
import { aServiceSpec } from './support/objects.ts';

describe('normalizeServiceMode', () => {
  const cases: [string, ServiceMode | undefined, ServiceMode][] = [
    ['no mode is one replica', undefined, { Replicated: { Replicas: 1 } }],
    ['empty mode is one replica', {}, { Replicated: { Replicas: 1 } }],
    ['replicated without count is one', { Replicated: {} }, { Replicated: { Replicas: 1 } }],
    ['zero replicas stay zero', { Replicated: { Replicas: 0 } }, { Replicated: { Replicas: 0 } }],
    ['global', { Global: {} }, { Global: {} }],
    ['global job', { GlobalJob: {} }, { GlobalJob: {} }],
    [
      'replicated job defaults to 1 at a time, 1 in total',
      { ReplicatedJob: {} },
      { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    ],
    [
      'completions default to the concurrency',
      { ReplicatedJob: { MaxConcurrent: 4 } },
      { ReplicatedJob: { MaxConcurrent: 4, TotalCompletions: 4 } },
    ],
    [
      'set completions are kept',
      { ReplicatedJob: { TotalCompletions: 10 } },
      { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 10 } },
    ],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.deepEqual(normalizeServiceMode(input), expected));
  }
});

describe('normalizeServiceSpec', () => {
  test('a bare spec takes Docker stored form', () => {
    assert.deepEqual(normalizeServiceSpec(aServiceSpec()), {
      Name: 'web',
      Labels: {},
      TaskTemplate: {
        ContainerSpec: { Image: 'nginx:1.25', Isolation: 'default' },
        ForceUpdate: 0,
        Runtime: 'container',
      },
      Mode: { Replicated: { Replicas: 1 } },
    });
  });

  const cases: { name: string; spec: ServiceSpec; expected: Partial<ServiceSpec> }[] = [
    {
      name: 'update config: empty enums and zero durations read as unset',
      spec: aServiceSpec({
        UpdateConfig: { Delay: 0, Monitor: 0, FailureAction: '' as 'pause' },
        RollbackConfig: { Parallelism: 2, Delay: 7, Monitor: 9, Order: 'start-first' },
      }),
      expected: {
        UpdateConfig: {
          Parallelism: 0,
          FailureAction: 'pause',
          MaxFailureRatio: 0,
          Order: 'stop-first',
        },
        RollbackConfig: {
          Parallelism: 2,
          Delay: 7,
          FailureAction: 'pause',
          Monitor: 9,
          MaxFailureRatio: 0,
          Order: 'start-first',
        },
      },
    },
    {
      name: 'endpoint: vip, tcp and ingress by default',
      spec: aServiceSpec({ EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080 }] } }),
      expected: {
        EndpointSpec: {
          Mode: 'vip',
          Ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp', PublishMode: 'ingress' }],
        },
      },
    },
  ];
  for (const { name, spec, expected } of cases) {
    test(name, () => {
      const normalized = normalizeServiceSpec(spec);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(normalized[key as keyof ServiceSpec], value, key);
      }
    });
  }

  test('a given restart policy gets condition any and MaxAttempts 0', () => {
    const spec = normalizeServiceSpec(
      aServiceSpec({
        TaskTemplate: { ContainerSpec: { Image: 'x' }, RestartPolicy: { Delay: 1 } },
      }),
    );
    assert.deepEqual(spec.TaskTemplate?.RestartPolicy, {
      Delay: 1,
      Condition: 'any',
      MaxAttempts: 0,
    });
  });

  test('is idempotent', () => {
    const once = normalizeServiceSpec(
      aServiceSpec({
        UpdateConfig: { Monitor: 0 },
        EndpointSpec: { Ports: [{ TargetPort: 80 }] },
        Mode: { ReplicatedJob: {} },
      }),
    );
    assert.deepEqual(normalizeServiceSpec(once), once);
  });
});
