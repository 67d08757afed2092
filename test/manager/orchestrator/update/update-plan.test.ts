import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SECOND } from '../../../../src/api/defaults.ts';
import type {
  UpdatePlan,
  UpdatePolicy,
} from '../../../../src/manager/orchestrator/update/update-plan.ts';
import {
  advancePlan,
  finishSlots,
  isPlanOver,
  observeTasks,
  startPlan,
  updatePolicy,
  watchTasks,
} from '../../../../src/manager/orchestrator/update/update-plan.ts';
import type { TaskState } from '../../../../src/api/objects/task.ts';

const finishSlot = (plan: UpdatePlan, slot: string, now: number) => finishSlots(plan, [slot], now);
const observeTask = (plan: UpdatePlan, taskId: string, state: TaskState, now: number) =>
  observeTasks(plan, [{ taskId, state }], now);

const policy = (fields: Partial<UpdatePolicy> = {}): UpdatePolicy => ({
  parallelism: 1,
  delayMs: 0,
  monitorMs: 5_000,
  failureAction: 'pause',
  maxFailureRatio: 0,
  order: 'stop-first',
  ...fields,
});

describe('updatePolicy', () => {
  test('no config means Swarm defaults', () => {
    assert.deepEqual(updatePolicy(undefined, 4), policy());
  });

  test('in a given config, missing fields are zero values: parallelism 0 means every dirty slot', () => {
    assert.deepEqual(updatePolicy({ Delay: 2 * SECOND, Order: 'start-first' }, 4), {
      ...policy({ parallelism: 4, delayMs: 2_000, order: 'start-first' }),
    });
    assert.equal(updatePolicy({ Parallelism: 0 }, 0).parallelism, 1);
    assert.equal(updatePolicy({ Monitor: 30 * SECOND }, 1).monitorMs, 30_000);
  });
});

describe('advancePlan: batches and delay', () => {
  test('hands out `parallelism` slots, each lane waiting Delay after its slot is done', () => {
    let plan = startPlan(
      policy({ parallelism: 2, delayMs: 10_000 }),
      ['a', 'b', 'c', 'd', 'e'],
      false,
    );
    let step = advancePlan(plan, 0);
    assert.deepEqual(step.start, ['a', 'b']);
    plan = finishSlot(step.plan, 'a', 100);
    step = advancePlan(plan, 100);
    assert.deepEqual(step.start, []);
    assert.equal(step.wakeAt, 10_100);
    step = advancePlan(step.plan, 10_100);
    assert.deepEqual(step.start, ['c']);
    assert.deepEqual(step.plan.inFlight, ['b', 'c']);
  });

  test('parallelism covering every slot starts them all at once', () => {
    const step = advancePlan(startPlan(policy({ parallelism: 3 }), ['a', 'b', 'c'], false), 0);
    assert.deepEqual(step.start, ['a', 'b', 'c']);
  });

  test('after the last slot and its delay, monitors one more period, then completes', () => {
    let plan = advancePlan(startPlan(policy({ delayMs: 1_000 }), ['a'], false), 0).plan;
    plan = finishSlot(plan, 'a', 50);
    let step = advancePlan(plan, 50);
    assert.equal(step.wakeAt, 1_050, 'the lane delay comes first');
    step = advancePlan(step.plan, 1_050);
    assert.equal(step.plan.phase, 'monitoring');
    assert.equal(step.wakeAt, 6_050);
    assert.equal(advancePlan(step.plan, 6_049).completed, false);
    const done = advancePlan(step.plan, 6_050);
    assert.equal(done.completed, true);
    assert.equal(isPlanOver(done.plan), true);
  });

  test('a delay at least the monitor period monitors for the delay plus one second', () => {
    let plan = advancePlan(startPlan(policy({ delayMs: 5_000 }), ['a'], false), 0).plan;
    plan = finishSlot(plan, 'a', 0);
    const step = advancePlan(advancePlan(plan, 0).plan, 5_000);
    assert.equal(step.plan.monitorUntil, 11_000);
  });

  test('property: never more than `parallelism` slots in flight, each slot started once, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (parallelism, count, picks) => {
          const slots = Array.from({ length: count }, (_, i) => `s${i}`);
          let plan: UpdatePlan = startPlan(policy({ parallelism, delayMs: 3 }), slots, false);
          const started: string[] = [];
          let now = 0;
          for (let i = 0; i < picks.length + count * 8 && plan.phase === 'rolling'; i++) {
            const step = advancePlan(plan, now);
            started.push(...step.start);
            plan = step.plan;
            assert.ok(plan.inFlight.length <= parallelism);
            const pick = plan.inFlight[(picks[i] ?? 0) % Math.max(1, plan.inFlight.length)];
            if (pick !== undefined) plan = finishSlot(plan, pick, now);
            now += 1 + ((picks[i] ?? 0) % 5);
          }
          assert.deepEqual(started, slots);
        },
      ),
    );
  });
});

/** A plan rolling `slots` with new task `t-<slot>` in flight for each, watched. */
function rolling(fields: Partial<UpdatePolicy>, slots: string[], rollback = false): UpdatePlan {
  let plan = advancePlan(startPlan(policy(fields), slots, rollback), 0).plan;
  plan = watchTasks(
    plan,
    slots.map((slot) => `t-${slot}`),
  );
  return plan;
}

describe('observeTasks: failures and the failure action', () => {
  test("pause: the first failure over a ratio of 0 pauses with Swarm's message", () => {
    const plan = rolling({}, ['a', 'b']);
    const seen = observeTask(plan, 't-a', 'failed', 10);
    assert.deepEqual(seen.verdict, {
      action: 'pause',
      taskId: 't-a',
      message: 'update paused due to failure or early termination of task t-a',
    });
    assert.equal(seen.plan.phase, 'paused');
    assert.deepEqual(advancePlan(seen.plan, 10).start, [], 'no more slots after a pause');
  });

  test('max failure ratio: acts only once failures / dirty slots exceeds it', () => {
    let plan = rolling({ parallelism: 4, maxFailureRatio: 0.5 }, ['a', 'b', 'c', 'd']);
    for (const id of ['t-a', 't-b']) {
      const seen = observeTask(plan, id, 'rejected', 5);
      assert.equal(seen.verdict, undefined);
      plan = seen.plan;
    }
    assert.equal(observeTask(plan, 't-b', 'failed', 6).verdict, undefined, 'a failure counts once');
    assert.equal(observeTask(plan, 't-c', 'complete', 7).verdict?.taskId, 't-c');
  });

  test('monitor window: a failure counts within Monitor of running, not after', () => {
    let plan = rolling({ monitorMs: 5_000 }, ['a']);
    plan = observeTask(plan, 't-a', 'running', 1_000).plan;
    assert.equal(observeTask(plan, 't-a', 'failed', 6_001).verdict, undefined);
    assert.equal(observeTask(plan, 't-a', 'failed', 6_000).verdict?.action, 'pause');
  });

  test('a task that fails before ever running counts; tasks not made by the update do not', () => {
    const plan = rolling({}, ['a']);
    assert.equal(observeTask(plan, 'someone-else', 'failed', 0).verdict, undefined);
    assert.equal(observeTask(plan, 't-a', 'rejected', 999_999).verdict?.action, 'pause');
  });

  test('continue ignores failures', () => {
    const plan = rolling({ failureAction: 'continue' }, ['a']);
    const seen = observeTask(plan, 't-a', 'failed', 0);
    assert.equal(seen.verdict, undefined);
    assert.equal(seen.plan.phase, 'rolling');
  });

  test('rollback rolls the update back, but a rollback that fails pauses', () => {
    const update = observeTask(rolling({ failureAction: 'rollback' }, ['a']), 't-a', 'failed', 0);
    assert.deepEqual(update.verdict, {
      action: 'rollback',
      taskId: 't-a',
      message: 'update rolled back due to failure or early termination of task t-a',
    });
    assert.equal(update.plan.phase, 'rolled-back');
    assert.equal(isPlanOver(update.plan), false, 'its slot is still in flight');
    const rollback = observeTask(
      rolling({ failureAction: 'rollback' }, ['a'], true),
      't-a',
      'failed',
      0,
    );
    assert.deepEqual(rollback.verdict, {
      action: 'pause',
      taskId: 't-a',
      message: 'rollback paused due to failure or early termination of task t-a',
    });
  });

  test('in one batch, the task that tips the ratio names the verdict and later ones are not counted', () => {
    const plan = rolling({ parallelism: 3, maxFailureRatio: 0.4 }, ['a', 'b', 'c']);
    const seen = observeTasks(
      plan,
      [
        { taskId: 't-a', state: 'failed' },
        { taskId: 't-b', state: 'failed' },
        { taskId: 't-c', state: 'failed' },
      ],
      0,
    );
    assert.equal(seen.verdict?.taskId, 't-b');
    assert.deepEqual(seen.plan.failures, ['t-a', 't-b']);
  });

  test('failures after the update completed are ignored', () => {
    let plan = rolling({}, ['a']);
    plan = observeTask(plan, 't-a', 'running', 0).plan;
    plan = finishSlot(plan, 'a', 0);
    plan = advancePlan(advancePlan(plan, 0).plan, 5_000).plan;
    assert.equal(plan.phase, 'completed');
    assert.equal(observeTask(plan, 't-a', 'failed', 5_000).verdict, undefined);
  });
});
