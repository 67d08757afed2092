import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskState } from '../../../../src/api/objects/task.ts';
import { planReplicatedJob } from '../../../../src/manager/orchestrator/jobs/reconcile.ts';
import { aService, aTask, desiredOf, planInput } from '../fixtures.ts';

const job = (total: number, max: number, iteration = 0) =>
  aService('j', {
    mode: { ReplicatedJob: { TotalCompletions: total, MaxConcurrent: max } },
    jobIteration: iteration,
  });
const jobTask = (
  id: string,
  slot: number,
  state: TaskState,
  iteration = 0,
  desired: TaskState = 'complete',
) =>
  aTask(id, job(1, 1), {
    Slot: slot,
    NodeID: 'n1',
    state,
    DesiredState: desired,
    JobIteration: { Index: iteration },
  });

test('a job starts MaxConcurrent tasks in 0-based slots, desired complete', () => {
  const writes = planReplicatedJob(planInput(job(5, 2), []));
  assert.deepEqual(
    writes.creates.map((t) => [t.Slot, t.DesiredState, t.JobIteration?.Index]),
    [
      [0, 'complete', 0],
      [1, 'complete', 0],
    ],
  );
});

test('completed slots are done; new tasks fill free slots up to TotalCompletions', () => {
  const tasks = [
    jobTask('a', 0, 'complete'),
    jobTask('b', 1, 'running'),
    jobTask('c', 2, 'complete'),
  ];
  assert.deepEqual(
    planReplicatedJob(planInput(job(4, 2), tasks)).creates.map((t) => t.Slot),
    [3],
  );
  const all = [...tasks, jobTask('d', 3, 'complete')];
  assert.equal(planReplicatedJob(planInput(job(4, 2), all)).creates.length, 0);
});

test('defaults: MaxConcurrent 1, TotalCompletions = MaxConcurrent', () => {
  const bare = aService('j', { mode: { ReplicatedJob: {} } });
  assert.deepEqual(
    planReplicatedJob(planInput(bare, [])).creates.map((t) => t.Slot),
    [0],
  );
});

test('a failed job task is restarted in its slot; a completed one never is', () => {
  const writes = planReplicatedJob(planInput(job(1, 1), [jobTask('f', 0, 'failed')]));
  assert.deepEqual(desiredOf(writes), ['f→shutdown']);
  assert.deepEqual(
    writes.creates.map((t) => [t.Slot, t.DesiredState]),
    [[0, 'ready']],
  );
});

test('a new iteration removes unfinished tasks of the old one and starts over', () => {
  const tasks = [jobTask('old-run', 0, 'running', 0), jobTask('old-done', 1, 'complete', 0)];
  const writes = planReplicatedJob(planInput(job(2, 2, 1), tasks));
  assert.deepEqual(desiredOf(writes), ['old-run→remove']);
  assert.deepEqual(
    writes.creates.map((t) => [t.Slot, t.JobIteration?.Index]),
    [
      [0, 1],
      [1, 1],
    ],
  );
});
