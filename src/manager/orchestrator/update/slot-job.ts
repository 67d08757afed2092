import type { UpdateOrder } from '../../../api/objects/service-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import { compareTaskStates } from '../../../api/objects/task.ts';
import { OLD_TASK_TIMEOUT_MS } from '../restart/restart-policy.ts';

/**
 * The replacement of one slot, as a small state machine:
 *
 * ```text
 *   stop-first / kept held task:  stopping-old ──old stopped or timeout──▶ [run] ─▶ starting ─▶ done
 *   start-first:                  starting ──new running──▶ [shut old] ─▶ done
 *                                  starting ──new failed──▶ done (old tasks keep running)
 * ```
 *
 * A kept (already clean) task is raised to `running` and the job ends without waiting for
 * it to run; a task this update created is waited for until it runs or fails.
 */
export interface SlotJob {
  readonly slot: string;
  /** The slot's replacement: created by this update, or a clean task kept from before. */
  readonly taskId: string;
  readonly created: boolean;
  readonly order: UpdateOrder;
  /** The slot's other live tasks, shut down by this job. */
  readonly oldTaskIds: readonly string[];
  readonly stage: 'stopping-old' | 'starting' | 'done';
  /** While `stopping-old`: when to stop waiting for the old tasks. */
  readonly deadline?: number;
}

/** Desired-state writes a job asks for; the shell skips tasks already past them. */
export interface SlotWrites {
  /** Tasks to set to desired `shutdown` (only if still desired `running` or lower). */
  readonly shutdown: readonly string[];
  /** Tasks to raise from desired `ready` to `running`. */
  readonly run: readonly string[];
}

/** A job after one step, its writes, and when to step it again if nothing happens first. */
export interface SlotStep {
  readonly job: SlotJob;
  readonly writes: SlotWrites;
  readonly wakeAt?: number;
}

/** What the shell reads from the store for a job's step. */
export interface SlotView {
  /** The job's task as stored now; undefined if it was deleted. */
  readonly task: Task | undefined;
  /** No task the job waits on (old tasks of the slot) is still between `assigned` and `running`. */
  readonly oldStopped: boolean;
}

/**
 * The slot's clean task to keep, if any: one desired `running` first, else one held at a
 * lower desired state (a replacement made before, e.g. by a previous leader). Pure.
 */
export function cleanTaskOf(
  slot: readonly Task[],
  isDirty: (task: Task) => boolean,
): Task | undefined {
  const clean = slot.filter((task) => !isDirty(task));
  return (
    clean.find((task) => task.DesiredState === 'running') ??
    clean.find((task) => compareTaskStates(task.DesiredState, 'running') < 0)
  );
}

/**
 * Starts replacing `slot` with `task`: a clean task of the slot (`created` false) or a new
 * one the shell is about to create (`created` true; desired `ready` for stop-first, and
 * `running` for start-first, since nothing holds it back). Pure.
 */
export function beginSlotJob(input: {
  readonly slot: string;
  readonly tasks: readonly Task[];
  readonly task: Pick<Task, 'id' | 'DesiredState'>;
  readonly created: boolean;
  readonly order: UpdateOrder;
  readonly now: number;
}): SlotStep {
  const { slot, task, created, order, now } = input;
  const oldTaskIds = input.tasks.filter((t) => t.id !== task.id).map((t) => t.id);
  const base = { slot, taskId: task.id, created, order, oldTaskIds };
  if (created && order === 'start-first') {
    return { job: { ...base, stage: 'starting' }, writes: { shutdown: [], run: [] } };
  }
  const writes = { shutdown: oldTaskIds, run: [] };
  if (!created && task.DesiredState === 'running') {
    return { job: { ...base, stage: 'done' }, writes };
  }
  const deadline = now + OLD_TASK_TIMEOUT_MS;
  return { job: { ...base, stage: 'stopping-old', deadline }, writes, wakeAt: deadline };
}

/**
 * One step of `job` given what the store holds now. Waiting for old tasks ends when they
 * stopped or at the deadline: the task is raised to `running`. A created task is then
 * waited for: once it is `running` (start-first: the old tasks are shut down then) or past
 * it, the job is done. A deleted task ends the job. Pure.
 */
export function stepSlotJob(job: SlotJob, view: SlotView, now: number): SlotStep {
  const none: SlotWrites = { shutdown: [], run: [] };
  if (job.stage === 'done') return { job, writes: none };
  const { task } = view;
  if (task === undefined) return { job: { ...job, stage: 'done' }, writes: none };
  if (job.stage === 'stopping-old') {
    const deadline = job.deadline ?? now;
    if (!view.oldStopped && now < deadline) return { job, writes: none, wakeAt: deadline };
    const started = compareTaskStates(task.Status.State, 'running') >= 0;
    const next: SlotJob = { ...job, stage: job.created && !started ? 'starting' : 'done' };
    return { job: next, writes: { shutdown: [], run: [job.taskId] } };
  }
  const state = task.Status.State;
  if (compareTaskStates(state, 'running') < 0) return { job, writes: none };
  const done: SlotJob = { ...job, stage: 'done' };
  if (job.order === 'start-first' && state === 'running') {
    return { job: done, writes: { shutdown: job.oldTaskIds, run: [] } };
  }
  return { job: done, writes: none };
}
