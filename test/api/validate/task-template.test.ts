import { describe } from 'node:test';
import type { TaskSpec } from '../../../src/api/objects/task-spec.ts';
import { validateTaskTemplate } from '../../../src/api/validate/task-template.ts';
import { problemTable } from '../support/problems.ts';

const container = { Image: 'nginx' };
const task = (overrides: Partial<TaskSpec>): TaskSpec => ({
  ContainerSpec: container,
  ...overrides,
});

describe('validateTaskTemplate', () => {
  problemTable<TaskSpec>(validateTaskTemplate, [
    { name: 'a container', input: task({}) },
    {
      name: 'resources at their minimums',
      input: task({
        Resources: {
          Limits: { NanoCPUs: 1_000_000, MemoryBytes: 4 * 1024 * 1024, Pids: 100 },
          Reservations: { NanoCPUs: 0, MemoryBytes: 0 },
        },
      }),
    },
    {
      name: 'a full restart policy',
      input: task({
        RestartPolicy: { Condition: 'on-failure', Delay: 0, MaxAttempts: 3, Window: 1 },
      }),
    },
    { name: 'networks', input: task({ Networks: [{ Target: 'backend', Aliases: ['db'] }] }) },
    {
      name: 'too little CPU',
      input: task({ Resources: { Limits: { NanoCPUs: 500_000 } } }),
      field: 'TaskTemplate.Resources.Limits.NanoCPUs',
      message: 'invalid cpu value 0.0005: Must be at least 0.001',
    },
    {
      name: 'too little memory reserved',
      input: task({ Resources: { Reservations: { MemoryBytes: 1024 } } }),
      field: 'TaskTemplate.Resources.Reservations.MemoryBytes',
      message: 'invalid memory value 1024: Must be at least 4MiB',
    },
    {
      name: 'negative pids limit',
      input: task({ Resources: { Limits: { Pids: -1 } } }),
      field: 'TaskTemplate.Resources.Limits.Pids',
    },
    {
      name: 'unknown restart condition',
      input: task({ RestartPolicy: { Condition: 'always' as 'any' } }),
      field: 'TaskTemplate.RestartPolicy.Condition',
      message: 'invalid RestartCondition: "always"',
    },
    {
      name: 'negative restart delay',
      input: task({ RestartPolicy: { Delay: -1 } }),
      field: 'TaskTemplate.RestartPolicy.Delay',
      message: 'TaskSpec: restart-delay cannot be negative',
    },
    {
      name: 'negative restart window',
      input: task({ RestartPolicy: { Window: -1 } }),
      message: 'TaskSpec: restart-window cannot be negative',
    },
    {
      name: 'negative max attempts',
      input: task({ RestartPolicy: { MaxAttempts: -1 } }),
      field: 'TaskTemplate.RestartPolicy.MaxAttempts',
    },
    {
      name: 'a bad constraint',
      input: task({ Placement: { Constraints: ['node.role'] } }),
      field: 'TaskTemplate.Placement.Constraints[0]',
    },
    {
      name: 'a malformed secret reference',
      input: task({ ContainerSpec: { ...container, Secrets: [{ SecretID: '', SecretName: '' }] } }),
      message: 'malformed secret reference',
    },
    {
      name: 'no container spec',
      input: {},
      field: 'TaskTemplate.ContainerSpec',
      message: 'TaskSpec: missing runtime',
    },
    {
      name: 'a plugin runtime',
      input: task({ Runtime: 'plugin' }),
      field: 'TaskTemplate.Runtime',
      message: /unimplemented runtime/,
    },
    {
      name: 'the container spec is checked',
      input: task({ ContainerSpec: {} }),
      message: 'ContainerSpec: image reference must be provided',
    },
    {
      name: 'a network without a target',
      input: task({ Networks: [{ Target: '' }] }),
      field: 'TaskTemplate.Networks[0].Target',
    },
  ]);
});
