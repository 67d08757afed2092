import type { EngineService } from '../../../api/objects/service.ts';
import type { EngineTask, TaskState } from '../../../api/objects/task.ts';

/** One frame of the progress display. */
export interface ProgressFrame {
  readonly lines: readonly string[];
  /** Every task the service wants is running (or, for a job, complete). */
  readonly converged: boolean;
  /** A job: converged means done, with no stability wait. */
  readonly job: boolean;
}

/** The bar's rank of a state (docker's `numberedStates`); 0 past running. */
const STATE_RANK: Partial<Record<TaskState, number>> = {
  new: 1,
  allocated: 2,
  pending: 3,
  assigned: 4,
  accepted: 5,
  preparing: 6,
  ready: 7,
  starting: 8,
  running: 9,
};

const BAR_WIDTH = 50;
const MAX_SLOT_LINES = 20;
const MAX_ERROR_LENGTH = 75;

/**
 * The progress lines docker's `service create/update` shows for `service`, given its
 * up-to-date tasks and the IDs of nodes that are not down: "overall progress: N out of M
 * tasks" then, up to 20 replicas, a line per slot (or per node for global services) with
 * the newest task's state and bar, or its error. Jobs show completions instead. Pure.
 */
export function progressFrame(
  service: EngineService,
  tasks: readonly EngineTask[],
  activeNodes: ReadonlySet<string>,
): ProgressFrame {
  const mode = service.Spec.Mode ?? {};
  const live = tasks.filter(
    (t) =>
      (t.NodeID === undefined || t.NodeID === '' || activeNodes.has(t.NodeID)) &&
      t.DesiredState !== 'shutdown' &&
      t.DesiredState !== 'remove',
  );
  if (mode.ReplicatedJob !== undefined || mode.GlobalJob !== undefined)
    return jobFrame(service, tasks);
  const rollingBack = service.UpdateStatus?.State === 'rollback_started';
  const header = (running: number, total: number): string[] => [
    ...(rollingBack ? [`rollback: ${service.UpdateStatus?.Message ?? ''}`] : []),
    `overall progress: ${rollingBack ? 'rolling back update: ' : ''}${running} out of ${total} tasks`,
  ];
  if (mode.Global !== undefined) {
    const byNode = newestBy(live, (t) => t.NodeID ?? '');
    const keys = [...byNode.keys()].sort();
    const running = keys.filter((k) => byNode.get(k)?.Status.State === 'running').length;
    const lines =
      keys.length <= MAX_SLOT_LINES ? keys.map((k) => taskLine(k.slice(0, 12), byNode.get(k))) : [];
    return {
      lines: [...header(running, keys.length), ...lines],
      converged: running === keys.length && keys.length > 0,
      job: false,
    };
  }
  const replicas = mode.Replicated?.Replicas ?? 1;
  const bySlot = newestBy(live, (t) => String(t.Slot));
  let running = 0;
  const lines: string[] = [];
  for (let slot = 1; slot <= replicas; slot++) {
    const task = bySlot.get(String(slot));
    if (task?.Status.State === 'running') running++;
    if (replicas <= MAX_SLOT_LINES) lines.push(taskLine(`${slot}/${replicas}`, task));
  }
  return {
    lines: [...header(running, replicas), ...lines],
    converged: running === replicas,
    job: false,
  };
}

function jobFrame(service: EngineService, tasks: readonly EngineTask[]): ProgressFrame {
  const iteration = service.JobStatus?.JobIteration.Index;
  const current = tasks.filter(
    (t) => iteration === undefined || t.JobIteration?.Index === iteration,
  );
  const complete = current.filter((t) => t.Status.State === 'complete').length;
  const active = current.filter((t) => (STATE_RANK[t.Status.State] ?? 0) > 0).length;
  const job = service.Spec.Mode?.ReplicatedJob;
  const total =
    job === undefined
      ? new Set(current.map((t) => t.NodeID)).size
      : (job.TotalCompletions ?? job.MaxConcurrent ?? 1);
  const concurrent = job === undefined ? total : (job.MaxConcurrent ?? total);
  return {
    lines: [
      `job progress: ${complete} out of ${total} complete`,
      `active tasks: ${active} out of ${concurrent} tasks`,
    ],
    converged: total > 0 && complete >= total,
    job: true,
  };
}

function newestBy(
  tasks: readonly EngineTask[],
  key: (t: EngineTask) => string,
): Map<string, EngineTask> {
  const out = new Map<string, EngineTask>();
  for (const task of tasks) {
    const k = key(task);
    const seen = out.get(k);
    if (seen === undefined || Date.parse(task.CreatedAt) >= Date.parse(seen.CreatedAt))
      out.set(k, task);
  }
  return out;
}

function taskLine(label: string, task: EngineTask | undefined): string {
  if (task === undefined) return `${label}: `;
  const err = task.Status.Err ?? '';
  if (err !== '')
    return `${label}: ${err.length > MAX_ERROR_LENGTH ? `${err.slice(0, MAX_ERROR_LENGTH)}…` : err}`;
  const state = task.Status.State;
  const rank = STATE_RANK[state] ?? 0;
  const bars = Math.floor((BAR_WIDTH * rank) / 9);
  return `${label}: ${state.padEnd(9)} [${'='.repeat(bars)}>${' '.repeat(BAR_WIDTH - bars)}]`;
}
