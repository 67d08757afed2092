import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineService } from '../../../../src/api/objects/service.ts';
import type { EngineTask } from '../../../../src/api/objects/task.ts';
import { progressFrame } from '../../../../src/cli/commands/service/progress-view.ts';

function service(fields: Partial<EngineService> & { Mode: object }): EngineService {
  const { Mode, ...rest } = fields;
  return {
    ID: 's1',
    Version: { Index: 1 },
    CreatedAt: '',
    UpdatedAt: '',
    Spec: { Name: 'svc', Mode },
    Endpoint: { Spec: {} },
    ...rest,
  };
}

let taskCount = 0;
function task(fields: Partial<EngineTask>, state: string): EngineTask {
  return {
    ID: `t${++taskCount}`,
    Version: { Index: 1 },
    CreatedAt: '2024-01-01T00:00:00Z',
    UpdatedAt: '',
    Labels: {},
    Spec: {},
    ServiceID: 's1',
    Slot: 0,
    DesiredState: 'running',
    ...fields,
    Status: { State: state },
  } as EngineTask;
}

test('global services show one line per node; down nodes do not count', () => {
  const frame = progressFrame(
    service({ Mode: { Global: {} } }),
    [
      task({ NodeID: 'nodeaaaaaaaaaaaa' }, 'running'),
      task({ NodeID: 'nodebbbbbbbbbbbb' }, 'preparing'),
      task({ NodeID: 'gone' }, 'running'),
    ],
    new Set(['nodeaaaaaaaaaaaa', 'nodebbbbbbbbbbbb']),
  );
  assert.deepEqual(frame.lines, [
    'overall progress: 1 out of 2 tasks',
    `nodeaaaaaaaa: running   [${'='.repeat(50)}>]`,
    `nodebbbbbbbb: preparing [${'='.repeat(33)}>${' '.repeat(17)}]`,
  ]);
  assert.equal(frame.converged, false);
});

test('a rollback shows its reason; a job counts completions', () => {
  const rolling = progressFrame(
    service({
      Mode: { Replicated: { Replicas: 1 } },
      UpdateStatus: { State: 'rollback_started', Message: 'update rolled back due to failure' },
    }),
    [task({ Slot: 1 }, 'running')],
    new Set(),
  );
  assert.deepEqual(rolling.lines.slice(0, 2), [
    'rollback: update rolled back due to failure',
    'overall progress: rolling back update: 1 out of 1 tasks',
  ]);
  assert.equal(rolling.converged, true);
  const job = progressFrame(
    service({
      Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 3 } },
      JobStatus: { JobIteration: { Index: 7 } },
    }),
    [
      task({ Slot: 0, JobIteration: { Index: 7 } }, 'complete'),
      task({ Slot: 1, JobIteration: { Index: 7 } }, 'running'),
      task({ Slot: 2, JobIteration: { Index: 6 } }, 'complete'),
    ],
    new Set(),
  );
  assert.deepEqual(job.lines, [
    'job progress: 1 out of 3 complete',
    'active tasks: 1 out of 2 tasks',
  ]);
  assert.equal(job.job, true);
  assert.equal(job.converged, false);
});
