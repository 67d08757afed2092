import { DEFAULT_UPDATE_CONFIG, MILLISECOND, SECOND } from '../../../api/defaults.ts';
import type {
  FailureAction,
  UpdateConfig,
  UpdateOrder,
} from '../../../api/objects/service-spec.ts';
import type { TaskState } from '../../../api/objects/task.ts';
import { isTerminalTaskState } from '../../../api/objects/task.ts';

/** An `UpdateConfig` resolved to numbers, durations in milliseconds. */
export interface UpdatePolicy {
  /** Slots replaced at once; never 0 here (0 in the config means all dirty slots). */
  readonly parallelism: number;
  readonly delayMs: number;
  readonly monitorMs: number;
  readonly failureAction: FailureAction;
  readonly maxFailureRatio: number;
  readonly order: UpdateOrder;
}

/**
 * The policy an update of `dirtySlots` slots follows under `config` (the service's
 * `UpdateConfig`, or `RollbackConfig` while rolling back). No config at all means Swarm's
 * defaults (parallelism 1, pause, monitor 5 s, stop-first); in a config that is present,
 * missing fields mean what Swarm's zero values mean (parallelism 0 = all at once, no delay,
 * pause, ratio 0, stop-first), except `Monitor`, where unset or 0 means 5 s. Pure.
 */
export function updatePolicy(config: UpdateConfig | undefined, dirtySlots: number): UpdatePolicy {
  const resolved = config ?? DEFAULT_UPDATE_CONFIG;
  const parallelism = resolved.Parallelism ?? 0;
  const monitor = resolved.Monitor ?? 0;
  return {
    parallelism: parallelism > 0 ? parallelism : Math.max(1, dirtySlots),
    delayMs: (resolved.Delay ?? 0) / MILLISECOND,
    monitorMs: (monitor > 0 ? monitor : DEFAULT_UPDATE_CONFIG.Monitor) / MILLISECOND,
    failureAction: resolved.FailureAction ?? 'pause',
    maxFailureRatio: resolved.MaxFailureRatio ?? 0,
    order: resolved.Order ?? 'stop-first',
  };
}

/**
 * Where an update stands. `rolling` hands out slots; `monitoring` watches the last new
 * tasks for one more period; the rest are final: `completed`, `paused` (the failure action
 * paused it, or a rollback failed) and `rolled-back` (the failure action asked for a
 * rollback, which runs as a new update).
 */
export type UpdatePhase = 'rolling' | 'monitoring' | 'completed' | 'paused' | 'rolled-back';

/**
 * The explicit state of one rolling update, as {@link startPlan} makes it and the step
 * functions below return it; never mutated. Slots are named by opaque keys. Slots in
 * flight hold one of `parallelism` lanes each; a lane a slot leaves is free again
 * `delayMs` later (swarmkit's workers sleep `Delay` after each slot).
 */
export interface UpdatePlan {
  readonly policy: UpdatePolicy;
  /** This update is a rollback: a failure pauses it instead of rolling it back again. */
  readonly rollback: boolean;
  /** Dirty slots at the start: the denominator of the failure ratio. */
  readonly dirtySlots: number;
  /** Slots not started yet, in order. */
  readonly queue: readonly string[];
  readonly inFlight: readonly string[];
  /** Free lanes, each the time (ms) from which it may take a slot. */
  readonly lanes: readonly number[];
  /** New tasks this update made: ID → when it was first seen `running` (undefined: not yet). */
  readonly watched: Readonly<Record<string, number | undefined>>;
  /** New tasks counted as failures. */
  readonly failures: readonly string[];
  readonly phase: UpdatePhase;
  /** While `monitoring`: when the update completes. */
  readonly monitorUntil?: number;
}

/** What the failure action asks the shell to record, with Swarm's message. */
export interface FailureVerdict {
  readonly action: 'pause' | 'rollback';
  /** The failed task that tipped the ratio. */
  readonly taskId: string;
  readonly message: string;
}

/** What {@link advancePlan} asks of the shell. */
export interface PlanStep {
  readonly plan: UpdatePlan;
  /** Slots to start replacing now, in order. */
  readonly start: readonly string[];
  /** The update just completed: record `completed` (or `rollback_completed`). */
  readonly completed: boolean;
  /** Call {@link advancePlan} again at this time (ms), unless something happens before. */
  readonly wakeAt?: number;
}

/** A fresh plan for replacing `slots` (the dirty ones, in order) under `policy`. Pure. */
export function startPlan(
  policy: UpdatePolicy,
  slots: readonly string[],
  rollback: boolean,
): UpdatePlan {
  return {
    policy,
    rollback,
    dirtySlots: slots.length,
    queue: [...slots],
    inFlight: [],
    lanes: Array.from(
      { length: Math.min(policy.parallelism, Math.max(1, slots.length)) },
      () => -Infinity,
    ),
    watched: {},
    failures: [],
    phase: 'rolling',
  };
}

/**
 * Moves the plan to `now`: while rolling, hands free lanes the next queued slots; once
 * every slot is done and every lane has had its delay, starts the final monitor period
 * (`monitorMs`, or `delayMs` + 1 s when the delay is at least the monitor period, as Swarm
 * does); completes when that period is over. Final phases return the plan unchanged. Pure.
 */
export function advancePlan(plan: UpdatePlan, now: number): PlanStep {
  if (plan.phase === 'monitoring') {
    const until = plan.monitorUntil ?? now;
    if (now < until) return { plan, start: [], completed: false, wakeAt: until };
    return { plan: { ...plan, phase: 'completed' }, start: [], completed: true };
  }
  if (plan.phase !== 'rolling') return { plan, start: [], completed: false };
  const sorted = [...plan.lanes].sort((a, b) => a - b);
  const free = sorted.filter((at) => at <= now).length;
  const count = Math.min(free, plan.queue.length);
  const start = plan.queue.slice(0, count);
  const queue = plan.queue.slice(count);
  const lanes = sorted.slice(count);
  const next = { ...plan, queue, lanes, inFlight: [...plan.inFlight, ...start] };
  const laterLane = lanes.find((at) => at > now);
  if (queue.length > 0 || next.inFlight.length > 0) {
    const wake = queue.length > 0 && lanes.length > 0 ? laterLane : undefined;
    return { plan: next, start, completed: false, ...(wake === undefined ? {} : { wakeAt: wake }) };
  }
  const lastLane = Math.max(now, ...lanes);
  if (lastLane > now) return { plan: next, start, completed: false, wakeAt: lastLane };
  const { delayMs, monitorMs } = plan.policy;
  const period = delayMs >= monitorMs ? delayMs + SECOND / MILLISECOND : monitorMs;
  return advancePlan({ ...next, phase: 'monitoring', monitorUntil: now + period }, now);
}

/** Records that `slots` are done at `now`: each one's lane frees `delayMs` later. Pure. */
export function finishSlots(plan: UpdatePlan, slots: readonly string[], now: number): UpdatePlan {
  const done = new Set(slots.filter((slot) => plan.inFlight.includes(slot)));
  if (done.size === 0) return plan;
  return {
    ...plan,
    inFlight: plan.inFlight.filter((key) => !done.has(key)),
    lanes: [...plan.lanes, ...Array.from(done, () => now + plan.policy.delayMs)],
  };
}

/** Records tasks this update created; only such tasks count as failures. Pure. */
export function watchTasks(plan: UpdatePlan, taskIds: readonly string[]): UpdatePlan {
  const fresh = taskIds.filter((id) => !(id in plan.watched));
  if (fresh.length === 0) return plan;
  const watched = { ...plan.watched };
  for (const id of fresh) watched[id] = undefined;
  return { ...plan, watched };
}

/** One task's observed state. */
export interface TaskObservation {
  readonly taskId: string;
  readonly state: TaskState;
}

/**
 * Takes in the observed states of tasks at `now`, in order. A watched task first seen
 * `running` starts its monitor window. A watched task past `running` (complete, failed,
 * shutdown...) that never ran or stopped within `monitorMs` of running is a failure, unless
 * the failure action is `continue` or the update is already over. Tasks not watched are
 * ignored, and a failure counts once. When failures / dirty slots exceeds
 * `maxFailureRatio`, the plan takes its final phase and the verdict says what to record:
 * `pause` ("update paused ..."), or for `rollback` a rollback ("update rolled back ..."),
 * except that a rollback is never rolled back: it pauses ("rollback paused ..."). Pure.
 */
export function observeTasks(
  plan: UpdatePlan,
  observations: readonly TaskObservation[],
  now: number,
): { plan: UpdatePlan; verdict?: FailureVerdict } {
  // Copied on the first change only: most calls change nothing, and the map can be large.
  let watched = plan.watched;
  const failures = [...plan.failures];
  const counted = new Set(failures);
  let verdict: FailureVerdict | undefined;
  let phase = plan.phase;
  const { failureAction, monitorMs, maxFailureRatio } = plan.policy;
  for (const { taskId, state } of observations) {
    if (!(taskId in watched) || counted.has(taskId)) continue;
    const runningSince = watched[taskId];
    if (!isTerminalTaskState(state)) {
      if (state === 'running' && runningSince === undefined) {
        if (watched === plan.watched) watched = { ...plan.watched };
        (watched as Record<string, number | undefined>)[taskId] = now;
      }
      continue;
    }
    const active = phase === 'rolling' || phase === 'monitoring';
    if (!active || failureAction === 'continue') continue;
    if (runningSince !== undefined && now - runningSince > monitorMs) continue;
    failures.push(taskId);
    counted.add(taskId);
    if (failures.length / Math.max(1, plan.dirtySlots) <= maxFailureRatio) continue;
    verdict = failureVerdict(plan.rollback, failureAction, taskId);
    phase = verdict.action === 'rollback' ? 'rolled-back' : 'paused';
  }
  if (
    watched === plan.watched &&
    failures.length === plan.failures.length &&
    phase === plan.phase
  ) {
    return { plan };
  }
  const next = { ...plan, watched, failures, phase };
  return verdict === undefined ? { plan: next } : { plan: next, verdict };
}

function failureVerdict(rollback: boolean, action: FailureAction, taskId: string): FailureVerdict {
  const cause = `due to failure or early termination of task ${taskId}`;
  if (rollback) return { action: 'pause', taskId, message: `rollback paused ${cause}` };
  if (action === 'rollback') {
    return { action: 'rollback', taskId, message: `update rolled back ${cause}` };
  }
  return { action: 'pause', taskId, message: `update paused ${cause}` };
}

/** Whether the plan has nothing left to do: a final phase and no slot in flight. Pure. */
export function isPlanOver(plan: UpdatePlan): boolean {
  return plan.phase !== 'rolling' && plan.phase !== 'monitoring' && plan.inFlight.length === 0;
}
