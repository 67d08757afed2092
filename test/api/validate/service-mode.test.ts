import { describe } from 'node:test';
import type { ServiceMode } from '../../../src/api/objects/service-spec.ts';
import { validateServiceMode } from '../../../src/api/validate/service-mode.ts';
import { problemTable } from '../support/problems.ts';

describe('validateServiceMode', () => {
  problemTable<ServiceMode | undefined>(validateServiceMode, [
    { name: 'no mode', input: undefined },
    { name: 'empty mode', input: {} },
    { name: 'zero replicas', input: { Replicated: { Replicas: 0 } } },
    { name: 'global', input: { Global: {} } },
    {
      name: 'replicated job',
      input: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 10 } },
    },
    { name: 'global job', input: { GlobalJob: {} } },
    {
      name: 'two modes',
      input: { Replicated: { Replicas: 1 }, Global: {} },
      field: 'Mode',
      message: 'must specify only one service mode',
    },
    {
      name: 'negative replicas',
      input: { Replicated: { Replicas: -1 } },
      field: 'Mode.Replicated.Replicas',
      message: 'Number of replicas must be non-negative',
    },
    {
      name: 'fractional replicas',
      input: { Replicated: { Replicas: 1.5 } },
      field: 'Mode.Replicated.Replicas',
      message: 'Mode.Replicated.Replicas must be a whole number of 0 or more',
    },
    {
      name: 'replicas as text',
      input: { Replicated: { Replicas: '3' as unknown as number } },
      field: 'Mode.Replicated.Replicas',
    },
    {
      name: 'negative concurrency',
      input: { ReplicatedJob: { MaxConcurrent: -1 } },
      field: 'Mode.ReplicatedJob.MaxConcurrent',
      message: 'Maximum concurrent jobs must not be negative',
    },
    {
      name: 'negative completions',
      input: { ReplicatedJob: { TotalCompletions: -2 } },
      field: 'Mode.ReplicatedJob.TotalCompletions',
      message: 'Total completed jobs must not be negative',
    },
  ]);
});
