import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Task, TaskState } from '../../../../src/api/objects/task.ts';
import {
  beginSlotJob,
  cleanTaskOf,
  stepSlotJob,
} from '../../../../src/manager/orchestrator/update/slot-job.ts';
import { OLD_TASK_TIMEOUT_MS } from '../../../../src/manager/orchestrator/restart/restart-policy.ts';
import { aService, aTask } from '../fixtures.ts';

const service = aService('s1');
const old = aTask('old', service, { state: 'running' });
const fresh = (state: TaskState, desired: TaskState = 'ready'): Task =>
  aTask('new', service, { state, DesiredState: desired });

describe('slot jobs', () => {
  test('stop-first: shut the old task down, start the new one once the old stopped, wait for running', () => {
    const begun = beginSlotJob({
      slot: '1',
      tasks: [old],
      task: fresh('new'),
      created: true,
      order: 'stop-first',
      now: 0,
    });
    assert.deepEqual(begun.writes, { shutdown: ['old'], run: [] });
    assert.equal(begun.wakeAt, OLD_TASK_TIMEOUT_MS);
    const waiting = stepSlotJob(begun.job, { task: fresh('ready'), oldStopped: false }, 10);
    assert.deepEqual(waiting.writes, { shutdown: [], run: [] });
    const started = stepSlotJob(waiting.job, { task: fresh('ready'), oldStopped: true }, 20);
    assert.deepEqual(started.writes, { shutdown: [], run: ['new'] });
    assert.equal(started.job.stage, 'starting');
    assert.equal(
      stepSlotJob(started.job, { task: fresh('starting', 'running'), oldStopped: true }, 30).job
        .stage,
      'starting',
    );
    assert.equal(
      stepSlotJob(started.job, { task: fresh('running', 'running'), oldStopped: true }, 40).job
        .stage,
      'done',
    );
  });

  test('stop-first: the new task starts anyway once the old task outlives the timeout', () => {
    const begun = beginSlotJob({
      slot: '1',
      tasks: [old],
      task: fresh('new'),
      created: true,
      order: 'stop-first',
      now: 0,
    });
    const late = stepSlotJob(
      begun.job,
      { task: fresh('ready'), oldStopped: false },
      OLD_TASK_TIMEOUT_MS,
    );
    assert.deepEqual(late.writes.run, ['new']);
  });

  test('start-first: nothing is shut down until the new task runs', () => {
    const begun = beginSlotJob({
      slot: '1',
      tasks: [old],
      task: fresh('new', 'running'),
      created: true,
      order: 'start-first',
      now: 0,
    });
    assert.deepEqual(begun.writes, { shutdown: [], run: [] });
    const running = stepSlotJob(
      begun.job,
      { task: fresh('running', 'running'), oldStopped: false },
      5,
    );
    assert.deepEqual(running.writes, { shutdown: ['old'], run: [] });
    assert.equal(running.job.stage, 'done');
  });

  test('start-first: a new task that fails leaves the old one running', () => {
    const begun = beginSlotJob({
      slot: '1',
      tasks: [old],
      task: fresh('new', 'running'),
      created: true,
      order: 'start-first',
      now: 0,
    });
    const failed = stepSlotJob(
      begun.job,
      { task: fresh('failed', 'running'), oldStopped: false },
      5,
    );
    assert.deepEqual(failed.writes, { shutdown: [], run: [] });
    assert.equal(failed.job.stage, 'done');
  });

  test('a kept clean task desired running only needs the others shut down', () => {
    const kept = aTask('kept', service);
    const begun = beginSlotJob({
      slot: '1',
      tasks: [old, kept],
      task: kept,
      created: false,
      order: 'stop-first',
      now: 0,
    });
    assert.deepEqual(begun.writes, { shutdown: ['old'], run: [] });
    assert.equal(begun.job.stage, 'done');
  });

  test('a kept held task is raised once the old tasks stopped, without waiting for it to run', () => {
    const held = fresh('ready');
    const begun = beginSlotJob({
      slot: '1',
      tasks: [held],
      task: held,
      created: false,
      order: 'start-first',
      now: 0,
    });
    assert.equal(begun.job.stage, 'stopping-old');
    const raised = stepSlotJob(begun.job, { task: held, oldStopped: true }, 1);
    assert.deepEqual(raised.writes.run, ['new']);
    assert.equal(raised.job.stage, 'done');
  });

  test('a deleted task ends the job', () => {
    const begun = beginSlotJob({
      slot: '1',
      tasks: [old],
      task: fresh('new'),
      created: true,
      order: 'stop-first',
      now: 0,
    });
    assert.equal(
      stepSlotJob(begun.job, { task: undefined, oldStopped: false }, 1).job.stage,
      'done',
    );
  });

  test('cleanTaskOf prefers a clean task desired running over a held one', () => {
    const held = aTask('held', service, { DesiredState: 'ready' });
    const live = aTask('live', service);
    const dirty = (t: Task) => t.id === 'old';
    assert.equal(cleanTaskOf([old, held, live], dirty)?.id, 'live');
    assert.equal(cleanTaskOf([old, held], dirty)?.id, 'held');
    assert.equal(cleanTaskOf([old], dirty), undefined);
  });
});
