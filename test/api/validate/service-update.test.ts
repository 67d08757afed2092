import { describe } from 'node:test';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';
import { validateServiceUpdate } from '../../../src/api/validate/service-update.ts';
import { aServiceSpec } from '../support/objects.ts';
import { problemTable } from '../support/problems.ts';

const current = aServiceSpec({ Mode: { Replicated: { Replicas: 2 } } });
const net = (target: string) => [{ Target: target }];

describe('validateServiceUpdate', () => {
  problemTable<[ServiceSpec, ServiceSpec]>(
    ([a, b]) => validateServiceUpdate(a, b),
    [
      {
        name: 'a new image',
        input: [current, aServiceSpec({ TaskTemplate: { ContainerSpec: { Image: 'nginx:2' } } })],
      },
      {
        name: 'scaling',
        input: [current, aServiceSpec({ Mode: { Replicated: { Replicas: 9 } } })],
      },
      { name: 'unset and explicit replicated are one mode', input: [aServiceSpec(), current] },
      {
        name: 'migrating deprecated networks into the task template',
        input: [
          aServiceSpec({ Networks: net('a') }),
          aServiceSpec({ TaskTemplate: { ContainerSpec: { Image: 'x' }, Networks: net('a') } }),
        ],
      },
      {
        name: 'replicated to global',
        input: [current, aServiceSpec({ Mode: { Global: {} } })],
        code: 'SERVICE_MODE_CHANGE',
        status: 501,
        field: 'Mode',
        message: 'service mode change is not allowed',
      },
      {
        name: 'replicated job to global job',
        input: [
          aServiceSpec({ Mode: { ReplicatedJob: {} } }),
          aServiceSpec({ Mode: { GlobalJob: {} } }),
        ],
        code: 'SERVICE_MODE_CHANGE',
        status: 501,
        message: 'service mode change is not allowed',
      },
      {
        name: 'a rename',
        input: [current, aServiceSpec({ Name: 'web2', Mode: { Replicated: { Replicas: 2 } } })],
        code: 'SERVICE_RENAME',
        status: 501,
        field: 'Name',
        message: 'renaming services is not supported',
      },
      {
        name: 'deprecated networks changed alone',
        input: [aServiceSpec({ Networks: net('a') }), aServiceSpec({ Networks: net('b') })],
        code: 'SERVICE_NETWORKS_UPDATE',
        status: 501,
        message: 'networks must be migrated to TaskSpec before being changed',
      },
    ],
  );
});
