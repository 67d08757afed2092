import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TaskRuntimeStatus } from '../../../src/agent/exec/executor.ts';
import type { TaskState } from '../../../src/api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../../src/api/objects/task.ts';
import type { StepInput, TaskStep } from '../../../src/agent/worker/task-step.ts';
import { TASK_VANISHED, fatalStatus, stepTask } from '../../../src/agent/worker/task-step.ts';

/** Every state, in lifecycle (value) order. */
const ORDER = (Object.keys(TASK_STATE_VALUES) as TaskState[]).sort(
  (a, b) => TASK_STATE_VALUES[a] - TASK_STATE_VALUES[b],
);

const absent: TaskRuntimeStatus = { state: 'absent', health: 'none' };

function step(state: TaskState, desired: TaskState, extra: Partial<StepInput> = {}): TaskStep {
  return stepTask({
    state,
    message: 'before',
    desired,
    runtime: absent,
    healthcheck: false,
    unhealthy: false,
    ...extra,
  });
}

/**
 * Swarm's exec.Do for every observed state (rows) × desired state (columns, same order), with
 * nothing running. `.` wait; `A` report accepted; `P` preparing; `R` prepare then ready;
 * `T` starting; `S` stop then shutdown; `*` decided by the runtime (tested below).
 */
const MATRIX: Record<string, string> = {
  //          new pend allo asgn acc prep rdy strt run cmpl shut fail rej rmv orph
  new: '      .    A    A    A    A   A    A   A    A   A    S    S    S   S   S',
  pending: '  .    .    A    A    A   A    A   A    A   A    S    S    S   S   S',
  allocated: '.    .    .    A    A   A    A   A    A   A    S    S    S   S   S',
  assigned: ' .    .    .    .    A   A    A   A    A   A    S    S    S   S   S',
  accepted: ' .    .    .    .    .   P    P   P    P   P    S    S    S   S   S',
  preparing: '.    .    .    .    .   R    R   R    R   R    S    S    S   S   S',
  ready: '    .    .    .    .    .   .    .   T    T   T    S    S    S   S   S',
  starting: ' .    .    .    .    .   .    .   *    *   *    S    S    S   S   S',
  running: '  .    .    .    .    .   .    .   .    *   *    S    S    S   S   S',
  complete: ' .    .    .    .    .   .    .   .    .   .    .    .    .   .   .',
  shutdown: ' .    .    .    .    .   .    .   .    .   .    .    .    .   .   .',
  failed: '   .    .    .    .    .   .    .   .    .   .    .    .    .   .   .',
  rejected: ' .    .    .    .    .   .    .   .    .   .    .    .    .   .   .',
  remove: '   .    .    .    .    .   .    .   .    .   .    .    .    .   .   .',
  orphaned: ' .    .    .    .    .   .    .   .    .   .    .    .    .   .   .',
};

function code(s: TaskStep): string {
  if (s.action === 'none' && s.status === undefined) return '.';
  if (s.action === 'stop' && s.status?.State === 'shutdown') return 'S';
  if (s.action === 'prepare' && s.status?.State === 'ready') return 'R';
  if (s.action === 'none' && s.status?.State === 'accepted') return 'A';
  if (s.action === 'none' && s.status?.State === 'preparing') return 'P';
  if (s.action === 'none' && s.status?.State === 'starting') return 'T';
  return `?${s.action}:${s.status?.State ?? ''}`;
}

test('the step of every state × desired state, with nothing running, follows exec.Do', () => {
  assert.deepEqual(Object.keys(MATRIX), ORDER, 'one row per state, in order');
  for (const state of ORDER) {
    const expected = MATRIX[state]!.trim().split(/\s+/);
    assert.equal(expected.length, ORDER.length, `row ${state}`);
    ORDER.forEach((desired, i) => {
      const want = expected[i]!;
      if (want === '*') return;
      assert.equal(code(step(state, desired)), want, `${state} with desired ${desired}`);
    });
  }
});

test("each transition carries Swarm's message", () => {
  assert.deepEqual(step('assigned', 'running').status, { State: 'accepted', Message: 'accepted' });
  assert.deepEqual(step('accepted', 'running').status, {
    State: 'preparing',
    Message: 'preparing',
  });
  assert.deepEqual(step('preparing', 'ready').status, { State: 'ready', Message: 'prepared' });
  assert.deepEqual(step('ready', 'running').status, { State: 'starting', Message: 'starting' });
  assert.deepEqual(step('running', 'shutdown').status, { State: 'shutdown', Message: 'shutdown' });
});

const running = (extra: Partial<TaskRuntimeStatus> = {}): TaskRuntimeStatus => ({
  state: 'running',
  health: 'none',
  pid: 7,
  ...extra,
});
const exited = (exitCode: number, extra: Partial<TaskRuntimeStatus> = {}): TaskRuntimeStatus => ({
  state: 'exited',
  health: 'none',
  exitCode,
  ...extra,
});

/** starting and running, by what the executor sees: [state, runtime, options, expected]. */
const ACTIVE: [TaskState, TaskRuntimeStatus, Partial<StepInput>, TaskStep][] = [
  ['starting', absent, {}, { action: 'start' }],
  ['starting', { state: 'created', health: 'none' }, {}, { action: 'start' }],
  ['starting', running(), {}, { action: 'none', status: { State: 'running', Message: 'started' } }],
  ['starting', running({ health: 'starting' }), { healthcheck: true }, { action: 'none' }],
  [
    'starting',
    running({ health: 'healthy' }),
    { healthcheck: true },
    { action: 'none', status: { State: 'running', Message: 'started' } },
  ],
  ['starting', running({ health: 'unhealthy' }), { healthcheck: true }, { action: 'stop' }],
  ['starting', exited(0), {}, { action: 'none', status: { State: 'running', Message: 'started' } }],
  [
    'starting',
    exited(1),
    {},
    {
      action: 'none',
      status: { State: 'failed', Message: 'before', Err: 'task: non-zero exit (1)' },
    },
  ],
  [
    'starting',
    exited(143),
    { unhealthy: true, healthcheck: true },
    {
      action: 'none',
      status: {
        State: 'failed',
        Message: 'before',
        Err: 'task: non-zero exit (143): dockerexec: unhealthy container',
      },
    },
  ],
  ['running', running(), {}, { action: 'none' }],
  ['running', running({ health: 'starting' }), { healthcheck: true }, { action: 'none' }],
  ['running', running({ health: 'unhealthy' }), { healthcheck: true }, { action: 'stop' }],
  ['running', running(), { unhealthy: true }, { action: 'stop' }],
  [
    'running',
    exited(0),
    {},
    { action: 'none', status: { State: 'complete', Message: 'finished' } },
  ],
  [
    'running',
    exited(2),
    {},
    {
      action: 'none',
      status: { State: 'failed', Message: 'before', Err: 'task: non-zero exit (2)' },
    },
  ],
  [
    'running',
    exited(137, { error: 'OOM killed' }),
    {},
    {
      action: 'none',
      status: { State: 'failed', Message: 'before', Err: 'task: non-zero exit (137): OOM killed' },
    },
  ],
  [
    'running',
    exited(0, { health: 'unhealthy' }),
    { healthcheck: true },
    {
      action: 'none',
      status: { State: 'failed', Message: 'before', Err: 'dockerexec: unhealthy container' },
    },
  ],
  [
    'running',
    absent,
    {},
    { action: 'none', status: { State: 'failed', Message: 'before', Err: TASK_VANISHED } },
  ],
  [
    'running',
    { state: 'created', health: 'none', error: 'no such process' },
    {},
    { action: 'none', status: { State: 'failed', Message: 'before', Err: 'no such process' } },
  ],
];

test('starting and running follow the executor: start once, health gates running, exits end it', () => {
  for (const [state, runtime, extra, expected] of ACTIVE) {
    for (const desired of ['running', 'complete'] as const) {
      if (state === 'running' && desired === 'running' && expected.status?.State === 'running')
        continue;
      assert.deepEqual(
        step(state, desired, { runtime, ...extra }),
        expected,
        `${state}/${desired} with ${JSON.stringify(runtime)} ${JSON.stringify(extra)}`,
      );
    }
  }
});

test('fatal errors reject before starting and fail from starting on, keeping the message', () => {
  assert.deepEqual(fatalStatus('preparing', 'preparing', 'No such image: x'), {
    State: 'rejected',
    Message: 'preparing',
    Err: 'No such image: x',
  });
  for (const state of ['new', 'assigned', 'accepted', 'ready'] as const) {
    assert.equal(fatalStatus(state, '', 'e').State, 'rejected', state);
  }
  for (const state of ['starting', 'running'] as const) {
    assert.equal(fatalStatus(state, 'started', 'e').State, 'failed', state);
  }
});

const arbitraryRuntime = fc.record({
  state: fc.constantFrom('absent', 'created', 'running', 'exited'),
  health: fc.constantFrom('none', 'starting', 'healthy', 'unhealthy'),
  exitCode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
}) as fc.Arbitrary<TaskRuntimeStatus>;

test('property: never backwards, never past desired except preparing/starting/running', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ORDER),
      // The desired states managers write (the matrix above covers the others).
      fc.constantFrom<TaskState>('ready', 'running', 'complete', 'shutdown', 'remove'),
      arbitraryRuntime,
      fc.boolean(),
      fc.boolean(),
      (state, desired, runtime, healthcheck, unhealthy) => {
        const result = stepTask({ state, message: 'm', desired, runtime, healthcheck, unhealthy });
        const next = result.status?.State;
        if (next === undefined) return;
        const v = TASK_STATE_VALUES;
        assert.ok(v[next] > v[state], `${state} → ${next} goes forwards`);
        const mayRunPast = state === 'preparing' || state === 'starting' || state === 'running';
        const terminal = v[next] > v.running;
        if (!mayRunPast && !terminal)
          assert.ok(v[next] <= v[desired], `${state} → ${next} ≤ ${desired}`);
        if (v[desired] >= v.shutdown) assert.equal(next, 'shutdown');
      },
    ),
    { numRuns: 2_000 },
  );
});
