import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Placement } from '../../../src/api/objects/task-spec.ts';
import { parseConstraint, validatePlacement } from '../../../src/api/validate/constraints.ts';
import { problemTable } from '../support/problems.ts';

const unsupported = (key: string): string =>
  `constraint key '${key}' is not supported: use node.id, node.hostname, node.ip, node.role, node.platform.os, node.platform.arch, node.labels.<name> or engine.labels.<name>`;

describe('parseConstraint', () => {
  const parsed: [string, string, '==' | '!=', string][] = [
    ['node.role==manager', 'node.role', '==', 'manager'],
    ['node.hostname != host-2', 'node.hostname', '!=', 'host-2'],
    ['node.labels.zone==eu-west', 'node.labels.zone', '==', 'eu-west'],
    ['engine.labels.executor==process', 'engine.labels.executor', '==', 'process'],
    ['node.ip==10.0.0.0/8', 'node.ip', '==', '10.0.0.0/8'],
    ['NODE.Platform.OS==linux', 'NODE.Platform.OS', '==', 'linux'],
    ['node.id==abc', 'node.id', '==', 'abc'],
    ['node.platform.arch!=arm64', 'node.platform.arch', '!=', 'arm64'],
  ];
  for (const [expression, key, operator, value] of parsed) {
    test(expression, () => assert.deepEqual(parseConstraint(expression), { key, operator, value }));
  }

  const rejected: [string, string][] = [
    ['node.role=manager', 'constraint expected one operator from ==, !='],
    ['node.role', 'constraint expected one operator from ==, !='],
    ['==manager', "key '' is invalid"],
    ['1node==x', "key '1node' is invalid"],
    ['node.role==', "value '' is invalid"],
    ['node.role==a!=b', "value 'a!=b' is invalid"],
    ['node.labels.==x', unsupported('node.labels.')],
    ['region==eu', unsupported('region')],
  ];
  for (const [expression, message] of rejected) {
    test(`rejects ${expression}`, () => assert.equal(parseConstraint(expression), message));
  }
});

describe('validatePlacement', () => {
  problemTable<Placement | undefined>(validatePlacement, [
    { name: 'absent', input: undefined },
    {
      name: 'constraints, spread, max replicas',
      input: {
        Constraints: ['node.role==worker', 'node.labels.disk==ssd'],
        Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
        MaxReplicas: 2,
      },
    },
    {
      name: 'the failing constraint is named',
      input: { Constraints: ['node.role==worker', 'node.role=worker'] },
      field: 'TaskTemplate.Placement.Constraints[1]',
      message: 'constraint expected one operator from ==, !=',
    },
    {
      name: 'spread without a descriptor',
      input: { Preferences: [{ Spread: { SpreadDescriptor: '' } }] },
      field: 'TaskTemplate.Placement.Preferences[0].Spread.SpreadDescriptor',
    },
    {
      name: 'negative max replicas',
      input: { MaxReplicas: -1 },
      field: 'TaskTemplate.Placement.MaxReplicas',
    },
  ]);
});
