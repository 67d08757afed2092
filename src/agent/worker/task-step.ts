import type { TaskRuntimeStatus } from '../exec/executor.ts';
import type { TaskState } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';

/**
 * What the agent does to a task's container or process before it reports the step's status:
 * `none` (nothing; a step with no status means "wait for a change"), `prepare`, `start` or
 * `stop` (the executor's idempotent calls).
 */
export type TaskAction = 'none' | 'prepare' | 'start' | 'stop';

/** The status fields a step sets; the caller adds the timestamp and the container facts. */
export interface StepStatus {
  readonly State: TaskState;
  readonly Message: string;
  /** Set for `failed` and `rejected`. */
  readonly Err?: string;
}

/**
 * One step of a task: run `action`, then, if it succeeded, report `status` (when given).
 * A step with action `none` and no status means the task stays where it is until its desired
 * state or its runtime changes.
 */
export interface TaskStep {
  readonly action: TaskAction;
  readonly status?: StepStatus;
}

/** What {@link stepTask} decides from. */
export interface StepInput {
  /** The task's state and message as the agent last reported it (or learnt it from the managers). */
  readonly state: TaskState;
  readonly message: string;
  readonly desired: TaskState;
  /** What the executor observes of the task now. */
  readonly runtime: TaskRuntimeStatus;
  /** Whether the task's spec has a healthcheck, which gates `running` on `healthy`. */
  readonly healthcheck: boolean;
  /**
   * The agent saw the task unhealthy since it started: it is being stopped for that, and its
   * exit is reported as Docker's "dockerexec: unhealthy container" failure.
   */
  readonly unhealthy: boolean;
}

const value = (state: TaskState): number => TASK_STATE_VALUES[state];

/** Docker's failure text for a task that exited with a non-zero code (`cause` appended). */
export function exitError(code: number, cause?: string): string {
  const base = `task: non-zero exit (${code})`;
  return cause === undefined ? base : `${base}: ${cause}`;
}

/** Docker's cause for a container stopped because its healthcheck failed. */
export const UNHEALTHY_CONTAINER = 'dockerexec: unhealthy container';

/** Err of a task whose container or process vanished while it ran. */
export const TASK_VANISHED = 'task: the container or process is gone';

/**
 * The status a task takes after a fatal (not retryable) error of `message` in `state`:
 * `rejected` before `starting`, `failed` from `starting` on (Swarm's `fatal`). The message is
 * kept, as Swarm does; the error goes to `Err`. Pure.
 */
export function fatalStatus(state: TaskState, message: string, error: string): StepStatus {
  return {
    State: value(state) < value('starting') ? 'rejected' : 'failed',
    Message: message,
    Err: error,
  };
}

/**
 * The next step of a task on its agent: Swarm's `exec.Do`, one transition per call.
 *
 * - desired ≥ `shutdown`: a task not yet `complete` or later is stopped → `shutdown` "shutdown".
 * - a task past its desired state waits, except that `preparing`, `starting` and `running`
 *   proceed past it: `preparing` → prepare → `ready` "prepared"; `starting` → start (once) →
 *   `running` "started", after `healthy` when a healthcheck exists; `running` → `complete`
 *   "finished" on exit 0, `failed` "task: non-zero exit (N)" otherwise.
 * - an unhealthy task (starting or running) is stopped, then fails with
 *   "task: non-zero exit (N): dockerexec: unhealthy container".
 * - a task at its desired state waits; below it: `new`/`pending`/`assigned` → `accepted`
 *   "accepted"; `accepted` → `preparing` "preparing"; `ready` → `starting` "starting".
 *
 * Never moves a state backwards. Errors of the actions are the caller's: see
 * {@link fatalStatus}. Pure.
 */
export function stepTask(input: StepInput): TaskStep {
  const { state, desired } = input;
  if (value(desired) >= value('shutdown')) {
    if (value(state) >= value('complete')) return { action: 'none' };
    return { action: 'stop', status: { State: 'shutdown', Message: 'shutdown' } };
  }
  if (value(state) > value(desired)) return { action: 'none' };
  switch (state) {
    case 'preparing':
      return { action: 'prepare', status: { State: 'ready', Message: 'prepared' } };
    case 'starting':
    case 'running':
      return stepActive(input);
    default:
      break;
  }
  if (state === desired) return { action: 'none' };
  switch (state) {
    case 'new':
    case 'allocated':
    case 'pending':
    case 'assigned':
      return { action: 'none', status: { State: 'accepted', Message: 'accepted' } };
    case 'accepted':
      return { action: 'none', status: { State: 'preparing', Message: 'preparing' } };
    case 'ready':
      return { action: 'none', status: { State: 'starting', Message: 'starting' } };
    default:
      return { action: 'none' };
  }
}

/** `starting` and `running`: driven by what the executor observes. */
function stepActive(input: StepInput): TaskStep {
  const { runtime, state, message } = input;
  const unhealthy = input.unhealthy || runtime.health === 'unhealthy';
  switch (runtime.state) {
    case 'absent':
    case 'created':
      if (state === 'starting') return { action: 'start' };
      return {
        action: 'none',
        status: fatalStatus(state, message, runtime.error ?? TASK_VANISHED),
      };
    case 'running':
      if (unhealthy) return { action: 'stop' };
      if (state === 'running') return { action: 'none' };
      if (input.healthcheck && runtime.health !== 'healthy') return { action: 'none' };
      return { action: 'none', status: { State: 'running', Message: 'started' } };
    case 'exited':
      return stepExited(input, unhealthy);
  }
}

function stepExited(input: StepInput, unhealthy: boolean): TaskStep {
  const { runtime, state, message } = input;
  const code = runtime.exitCode ?? 0;
  if (code === 0 && !unhealthy && runtime.error === undefined) {
    // Swarm walks every state: a task that exited cleanly while starting is first `running`.
    if (state === 'starting')
      return { action: 'none', status: { State: 'running', Message: 'started' } };
    return { action: 'none', status: { State: 'complete', Message: 'finished' } };
  }
  const cause = unhealthy ? UNHEALTHY_CONTAINER : runtime.error;
  const err = code === 0 ? (cause ?? TASK_VANISHED) : exitError(code, cause);
  return { action: 'none', status: { State: 'failed', Message: message, Err: err } };
}
