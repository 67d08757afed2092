import { DEFAULT_RESTART_POLICY, MILLISECOND } from '../../../api/defaults.ts';
import type { Node } from '../../../api/objects/node.ts';
import type { Service } from '../../../api/objects/service.ts';
import { isJobMode } from '../../../api/objects/service-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import { compareTaskStates, isTerminalTaskState } from '../../../api/objects/task.ts';
import type { RestartCondition } from '../../../api/objects/task-spec.ts';

/** How long a replacement waits for the task it replaces to stop: 1 min (swarmkit's). */
export const OLD_TASK_TIMEOUT_MS = 60_000;

/** A task's restart policy with Swarm's defaults applied, durations in milliseconds. */
export interface EffectiveRestartPolicy {
  readonly condition: RestartCondition;
  readonly delayMs: number;
  /** 0 is unlimited. */
  readonly maxAttempts: number;
  /** 0 is unbounded. */
  readonly windowMs: number;
}

/**
 * The restart policy of `task` (its own spec, as swarmkit reads it) with defaults: `any`,
 * 5 s, unlimited, no window. For jobs (`job` true) `any` means `on-failure`, so a job task
 * that completed is never run again.
 */
export function restartPolicyOf(task: Task, job: boolean): EffectiveRestartPolicy {
  const policy = task.Spec.RestartPolicy;
  const condition = policy?.Condition ?? DEFAULT_RESTART_POLICY.Condition;
  return {
    condition: job && condition === 'any' ? 'on-failure' : condition,
    delayMs: (policy?.Delay ?? DEFAULT_RESTART_POLICY.Delay) / MILLISECOND,
    maxAttempts: policy?.MaxAttempts ?? 0,
    windowMs: (policy?.Window ?? 0) / MILLISECOND,
  };
}

/** Clock milliseconds of a stored task's creation. */
export function createdAtMs(task: Task): number {
  return Date.parse(task.meta.createdAt);
}

/**
 * Restarts already made in the slot of `task`: the slot's tasks made from the same
 * `SpecVersion` (so a new spec resets the count) and not desired `remove` (a scaled-away
 * slot's leftovers), except the oldest of them (the slot's first task is no restart),
 * counting only those created within the window when one is set. Works from the store
 * alone because the reaper keeps `MaxAttempts + 1` tasks per slot. Pure.
 */
export function restartsInSlot(
  task: Task,
  slotTasks: readonly Task[],
  policy: EffectiveRestartPolicy,
  now: number,
): number {
  const same = slotTasks
    .filter((t) => t.DesiredState !== 'remove' && t.SpecVersion?.Index === task.SpecVersion?.Index)
    .map(createdAtMs)
    .sort((a, b) => a - b);
  const restarts = same.slice(1);
  if (policy.windowMs <= 0) return restarts.length;
  return restarts.filter((at) => at > now - policy.windowMs).length;
}

/**
 * Whether the restart policy replaces `task`, which ended (or must leave its node): the
 * condition allows it (`none` never; `on-failure` unless it completed) and, with
 * `MaxAttempts` set, fewer restarts than that were made in its slot ({@link restartsInSlot}).
 * Pure.
 */
export function shouldRestart(
  service: Service,
  task: Task,
  slotTasks: readonly Task[],
  now: number,
): boolean {
  const policy = restartPolicyOf(task, isJobMode(service.Spec.Mode));
  if (policy.condition === 'none') return false;
  if (policy.condition === 'on-failure' && task.Status.State === 'complete') return false;
  if (policy.maxAttempts === 0) return true;
  return restartsInSlot(task, slotTasks, policy, now) < policy.maxAttempts;
}

/** What to do about a replacement task held in desired `ready`. */
export type ReadyDecision =
  { readonly kind: 'start' } | { readonly kind: 'wait'; readonly until: number };

function mightBeRunning(task: Task, nodes: ReadonlyMap<string, Node>): boolean {
  const state = task.Status.State;
  if (compareTaskStates(state, 'assigned') < 0 || compareTaskStates(state, 'running') > 0) {
    return false;
  }
  const node = task.NodeID === undefined ? undefined : nodes.get(task.NodeID);
  // A task on a down (or removed) node is not waited for: its node cannot report it stopped.
  return node !== undefined && node.Status.State !== 'down';
}

/**
 * When the held replacement `task` (desired `ready`) may start (swarmkit's `DelayStart`):
 * once its restart delay has passed since it was created (no delay when the task it
 * replaced was on a drained node, or was still healthy when its node went down) and no other task of the slot may still be running, or
 * {@link OLD_TASK_TIMEOUT_MS} after the delay at the latest. Tasks on down nodes are not
 * waited for. Pure: `now` and the slot's tasks (`slotTasks`, every desired state) in.
 */
export function readyDecision(
  service: Service,
  task: Task,
  slotTasks: readonly Task[],
  nodes: ReadonlyMap<string, Node>,
  now: number,
): ReadyDecision {
  const created = createdAtMs(task);
  const others = slotTasks.filter((t) => t.id !== task.id);
  const predecessor = others
    .filter((t) => createdAtMs(t) <= created)
    .sort((a, b) => createdAtMs(b) - createdAtMs(a))[0];
  const predecessorNode =
    predecessor?.NodeID === undefined ? undefined : nodes.get(predecessor.NodeID);
  const drained = predecessorNode?.Spec.Availability === 'drain';
  // A task that was still fine when its node died did not fail: the delay that damps crash
  // loops has nothing to damp, so the replacement starts at once (Swarm waits the delay).
  const nodeLost =
    predecessor?.NodeID !== undefined &&
    (predecessorNode === undefined || predecessorNode.Status.State === 'down') &&
    !isTerminalTaskState(predecessor.Status.State);
  const delay =
    drained || nodeLost ? 0 : restartPolicyOf(task, isJobMode(service.Spec.Mode)).delayMs;
  if (now < created + delay) return { kind: 'wait', until: created + delay };
  const deadline = created + delay + OLD_TASK_TIMEOUT_MS;
  if (now < deadline && others.some((t) => mightBeRunning(t, nodes))) {
    return { kind: 'wait', until: deadline };
  }
  return { kind: 'start' };
}
