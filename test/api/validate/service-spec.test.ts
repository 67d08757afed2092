import { describe } from 'node:test';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';
import { validateServiceSpec } from '../../../src/api/validate/service-spec.ts';
import { aServiceSpec } from '../support/objects.ts';
import { problemTable } from '../support/problems.ts';

describe('validateServiceSpec', () => {
  problemTable<ServiceSpec>(validateServiceSpec, [
    { name: 'a minimal spec', input: aServiceSpec() },
    {
      name: 'a rich spec',
      input: aServiceSpec({
        Labels: { 'com.docker.stack.namespace': 'demo' },
        Mode: { Replicated: { Replicas: 3 } },
        UpdateConfig: { Parallelism: 2, FailureAction: 'rollback', Order: 'start-first' },
        RollbackConfig: { Parallelism: 1, FailureAction: 'pause' },
        EndpointSpec: {
          Mode: 'vip',
          Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080 }],
        },
      }),
    },
    { name: 'a job without update config', input: aServiceSpec({ Mode: { ReplicatedJob: {} } }) },
    {
      name: 'a job with a rollback config',
      input: aServiceSpec({ Mode: { GlobalJob: {} }, RollbackConfig: {} }),
    },
    {
      name: 'no name',
      input: aServiceSpec({ Name: '' }),
      field: 'Name',
      message: 'meta: name must be provided',
    },
    {
      name: 'a bad label',
      input: aServiceSpec({ Labels: { a: null as unknown as string } }),
      field: 'Labels.a',
    },
    {
      name: 'the task template comes before the mode',
      input: aServiceSpec({ TaskTemplate: {}, Mode: { Replicated: { Replicas: -1 } } }),
      message: 'TaskSpec: missing runtime',
    },
    {
      name: 'negative replicas',
      input: aServiceSpec({ Mode: { Replicated: { Replicas: -1 } } }),
      field: 'Mode.Replicated.Replicas',
      message: 'Number of replicas must be non-negative',
    },
    {
      name: 'a job with an update config',
      input: aServiceSpec({ Mode: { GlobalJob: {} }, UpdateConfig: {} }),
      field: 'UpdateConfig',
      message: 'Jobs may not have an update config',
    },
    {
      name: 'a bad rollback config',
      input: aServiceSpec({ RollbackConfig: { Monitor: -1 } }),
      field: 'RollbackConfig.Monitor',
      message: 'TaskSpec: rollback-monitor cannot be negative',
    },
    {
      name: 'a bad endpoint',
      input: aServiceSpec({ EndpointSpec: { Mode: 'dnsrr', Ports: [{ TargetPort: 80 }] } }),
      field: 'EndpointSpec.Ports[0]',
    },
  ]);
});
