import { describe } from 'node:test';
import type { UpdateConfig } from '../../../src/api/objects/service-spec.ts';
import { validateUpdateConfig } from '../../../src/api/validate/update-config.ts';
import { problemTable } from '../support/problems.ts';

describe('validateUpdateConfig', () => {
  problemTable<UpdateConfig | undefined>(
    (c) => validateUpdateConfig(c),
    [
      { name: 'absent', input: undefined },
      { name: 'empty', input: {} },
      {
        name: 'everything set',
        input: {
          Parallelism: 0,
          Delay: 10,
          FailureAction: 'rollback',
          Monitor: 0,
          MaxFailureRatio: 1,
          Order: 'start-first',
        },
      },
      {
        name: 'empty enums are Go zero values',
        input: { FailureAction: '' as 'pause', Order: '' as 'stop-first' },
      },
      {
        name: 'negative delay',
        input: { Delay: -1 },
        field: 'UpdateConfig.Delay',
        message: 'TaskSpec: update-delay cannot be negative',
      },
      {
        name: 'negative monitor',
        input: { Monitor: -1 },
        field: 'UpdateConfig.Monitor',
        message: 'TaskSpec: update-monitor cannot be negative',
      },
      {
        name: 'ratio above 1',
        input: { MaxFailureRatio: 1.01 },
        field: 'UpdateConfig.MaxFailureRatio',
        message: 'TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1',
      },
      {
        name: 'ratio below 0',
        input: { MaxFailureRatio: -0.1 },
        field: 'UpdateConfig.MaxFailureRatio',
      },
      {
        name: 'negative parallelism',
        input: { Parallelism: -1 },
        field: 'UpdateConfig.Parallelism',
      },
      {
        name: 'unknown failure action',
        input: { FailureAction: 'retry' as 'pause' },
        field: 'UpdateConfig.FailureAction',
        message: 'unrecognized update failure action retry',
      },
      {
        name: 'unknown order',
        input: { Order: 'random' as 'stop-first' },
        field: 'UpdateConfig.Order',
        message: 'unrecognized update order random',
      },
    ],
  );
});

describe('validateUpdateConfig for rollbacks', () => {
  problemTable<UpdateConfig>(
    (c) => validateUpdateConfig(c, 'RollbackConfig'),
    [
      {
        name: 'words the rollback',
        input: { Delay: -5 },
        field: 'RollbackConfig.Delay',
        message: 'TaskSpec: rollback-delay cannot be negative',
      },
    ],
  );
});
