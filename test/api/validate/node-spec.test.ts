import { describe } from 'node:test';
import type { NodeSpec } from '../../../src/api/objects/node.ts';
import { validateNodeSpec } from '../../../src/api/validate/node-spec.ts';
import { problemTable } from '../support/problems.ts';

const valid: NodeSpec = {
  Name: 'n',
  Labels: { zone: 'a' },
  Role: 'worker',
  Availability: 'active',
};

describe('validateNodeSpec', () => {
  problemTable(validateNodeSpec, [
    { name: 'worker, active', input: valid },
    { name: 'manager, drain', input: { ...valid, Role: 'manager', Availability: 'drain' } },
    { name: 'pause', input: { ...valid, Availability: 'pause' } },
    { name: 'no labels', input: { Role: 'worker', Availability: 'active' } },
    {
      name: 'unknown role',
      input: { ...valid, Role: 'boss' as 'worker' },
      field: 'Role',
      message: 'invalid Role: "boss"',
    },
    {
      name: 'missing role',
      input: { Availability: 'active' },
      field: 'Role',
      message: 'invalid Role: ""',
    },
    {
      name: 'unknown availability',
      input: { ...valid, Availability: 'paused' as 'pause' },
      field: 'Availability',
      message: 'invalid Availability: "paused"',
    },
    {
      name: 'upper case is not accepted',
      input: { ...valid, Role: 'Manager' as 'manager' },
      message: 'invalid Role: "Manager"',
    },
    {
      name: 'a non-string label',
      input: { ...valid, Labels: { zone: 1 as unknown as string } },
      field: 'Labels.zone',
      message: 'label zone must have a string value',
    },
  ]);
});
