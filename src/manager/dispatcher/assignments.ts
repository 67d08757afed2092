import { isDeepStrictEqual } from 'node:util';
import type { Task } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';
import type { Clock } from '../../base/clock.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { StoreEvent } from '../../store/store-event.ts';
import { isChangeOf } from '../../store/store-event.ts';
import type { Subscription } from '../../store/subscription.ts';
import { tasks } from '../../store/tables.ts';
import type { AssignmentsMessage } from './task-rpc-methods.ts';

/** Swarm's assignment batching: at most this many changes per incremental message. */
export const ASSIGNMENT_BATCH_CHANGES = 100;
/** Swarm's assignment batching: an incremental message waits at most this long for more. */
export const ASSIGNMENT_BATCH_DELAY_MS = 100;

/** How {@link streamAssignments} runs. */
export interface AssignmentStreamOptions {
  readonly clock: Clock;
  /** Ends the stream (the agent went away, or the dispatcher stopped). */
  readonly signal: AbortSignal;
  readonly maxChanges?: number;
  readonly maxDelayMs?: number;
}

const ASSIGNED = TASK_STATE_VALUES.assigned;
const RUNNING = TASK_STATE_VALUES.running;

/** Whether a task is one the node's agent is sent: on the node and at least `assigned`. */
function isSent(task: Task, nodeId: string): boolean {
  return task.NodeID === nodeId && TASK_STATE_VALUES[task.Status.State] >= ASSIGNED;
}

/**
 * Whether `a` and `b` differ only in what the agent itself reports (`Status`) and the
 * store's bookkeeping (`meta`): such an update is the echo of a status report and is not sent.
 */
export function sameButStatus(a: Task, b: Task): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (key === 'Status' || key === 'meta') continue;
    const x = (a as unknown as Record<string, unknown>)[key];
    const y = (b as unknown as Record<string, unknown>)[key];
    if (x !== y && !isDeepStrictEqual(x, y)) return false;
  }
  return true;
}

/**
 * The tasks of `nodeId` as the agent must see them (swarmkit's `Assignments`): first a
 * `complete` message with every task on the node at state ≥ `assigned`, then `incremental`
 * ones as tasks change, each gathering up to `maxChanges` changes or what arrives within
 * `maxDelayMs` of the first. Updates that only change a task's status past `assigned` are not
 * sent (they are the agent's own reports); a task the agent does not know is added only while
 * at most `running`. After a snapshot restore or a watch overflow the stream starts over with
 * a `complete` message. Ends when `signal` aborts.
 */
export async function* streamAssignments(
  store: MemoryStore,
  nodeId: string,
  options: AssignmentStreamOptions,
): AsyncGenerator<AssignmentsMessage, void, undefined> {
  const { signal } = options;
  while (!signal.aborted) {
    const { result: initial, subscription } = store.viewAndWatch(
      (reader) =>
        reader.find(tasks, { index: 'node', value: nodeId }).filter((t) => isSent(t, nodeId)),
      { tables: [tasks], filter: (event) => touchesNode(event, nodeId) },
    );
    const close = (): void => subscription.close();
    signal.addEventListener('abort', close, { once: true });
    try {
      yield { type: 'complete', updated: initial, removed: [] };
      const known = new Map(initial.map((t) => [t.id, t] as const));
      const batches = new IncrementalBatches(subscription, nodeId, known, options);
      for (;;) {
        const batch = await batches.next();
        if (batch === 'done') return;
        if (batch === 'resync') break;
        yield batch;
      }
    } finally {
      signal.removeEventListener('abort', close);
      subscription.close();
    }
  }
}

function touchesNode(event: StoreEvent, nodeId: string): boolean {
  if (!isChangeOf(tasks, event)) return true;
  if (event.object.NodeID === nodeId) return true;
  return event.kind === 'updated' && event.previous.NodeID === nodeId;
}

/** Gathers store events into incremental messages. */
class IncrementalBatches {
  private pending: Promise<IteratorResult<StoreEvent, undefined>> | undefined;
  private readonly maxChanges: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly subscription: Subscription,
    private readonly nodeId: string,
    private readonly known: Map<string, Task>,
    private readonly options: AssignmentStreamOptions,
  ) {
    this.maxChanges = options.maxChanges ?? ASSIGNMENT_BATCH_CHANGES;
    this.maxDelayMs = options.maxDelayMs ?? ASSIGNMENT_BATCH_DELAY_MS;
  }

  /** The next message; `done` when the subscription closed, `resync` when it must start over. */
  async next(): Promise<AssignmentsMessage | 'done' | 'resync'> {
    const changes = new Map<string, Task | null>();
    let cancelTimer: (() => void) | undefined;
    let timedOut: Promise<'timeout'> | undefined;
    try {
      while (changes.size < this.maxChanges) {
        const event = await this.read(timedOut);
        if (event === 'timeout') break;
        if (event === 'done' || event === 'resync') return event;
        if (event.kind === 'restored') return 'resync';
        this.apply(event, changes);
        if (changes.size > 0 && timedOut === undefined) {
          timedOut = new Promise((resolve) => {
            cancelTimer = this.options.clock.setTimer(this.maxDelayMs, () => resolve('timeout'));
          });
        }
      }
    } finally {
      cancelTimer?.();
    }
    const updated: Task[] = [];
    const removed: string[] = [];
    for (const [id, task] of changes) {
      if (task === null) removed.push(id);
      else updated.push(task);
    }
    return { type: 'incremental', updated, removed };
  }

  private async read(
    timedOut: Promise<'timeout'> | undefined,
  ): Promise<StoreEvent | 'timeout' | 'done' | 'resync'> {
    // A next() that loses the race stays pending and is read by the following call, so no
    // event is dropped.
    const next = (this.pending ??= this.subscription.next());
    let result: IteratorResult<StoreEvent, undefined> | 'timeout';
    try {
      result = timedOut === undefined ? await next : await Promise.race([next, timedOut]);
    } catch {
      this.pending = undefined;
      return 'resync';
    }
    if (result === 'timeout') return result;
    this.pending = undefined;
    return result.done === true ? 'done' : result.value;
  }

  private apply(event: StoreEvent, changes: Map<string, Task | null>): void {
    if (!isChangeOf(tasks, event)) return;
    const task = event.object;
    const id = task.id;
    const held = this.known.get(id);
    if (event.kind === 'deleted' || !isSent(task, this.nodeId)) {
      if (held === undefined) return;
      this.known.delete(id);
      changes.set(id, null);
      return;
    }
    if (held !== undefined) {
      this.known.set(id, task);
      // States up to `assigned` are the managers' own; past it, status-only changes are echoes.
      if (TASK_STATE_VALUES[task.Status.State] > ASSIGNED && sameButStatus(held, task)) return;
    } else {
      if (TASK_STATE_VALUES[task.Status.State] > RUNNING) return;
      this.known.set(id, task);
    }
    changes.set(id, task);
  }
}
