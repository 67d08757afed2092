import type { Task, TaskStatus } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';
import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { AssignmentsMessage } from '../../manager/dispatcher/task-rpc-methods.ts';
import type { Executor } from '../exec/executor.ts';
import type { StatusSink } from './status-reporter.ts';
import type { TaskRetryPolicy } from './task-manager.ts';
import { TaskManager, stopGraceMs } from './task-manager.ts';
import { WorkerState } from './worker-state.ts';

/** What a {@link Worker} works with. */
export interface WorkerOptions {
  readonly executor: Executor;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Receives every status change (batched by a `StatusReporter` in the agent). */
  readonly reporter: StatusSink;
  /** Where `tasks.json` lives (e.g. `<data>/swarm/worker`); none keeps nothing on disk. */
  readonly stateDir?: string;
  readonly retry?: TaskRetryPolicy;
}

/**
 * The agent's worker (swarmkit's `agent/worker.go`): holds the tasks the managers assigned
 * to this node and runs one {@link TaskManager} per task. Idempotent across restarts: the
 * task list is saved in `tasks.json` (with each task's last status) and {@link start} resumes
 * driving those tasks; tasks the executor still has are adopted as they truly are (the
 * executor's calls are idempotent, so a running task is never started twice). On the first
 * `complete` assignment set, tasks not in it (saved or found by the executor) are stopped and
 * removed; so are tasks later removed from the set. A task's status as the agent holds it
 * wins over the managers' copy; when the managers' copy lags, it is reported again.
 * {@link stop} stops driving tasks but leaves them running.
 */
export class Worker {
  private readonly managers = new Map<string, TaskManager>();
  private readonly removing = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(task: Task, status: TaskStatus) => void>();
  private readonly state: WorkerState | undefined;
  /** Executor tasks found at start and not yet matched against a complete set. */
  private leftovers = new Set<string>();
  private stopped = false;

  constructor(private readonly options: WorkerOptions) {
    this.state =
      options.stateDir === undefined
        ? undefined
        : new WorkerState(options.stateDir, options.logger);
  }

  /** Loads the saved tasks, resumes driving them, and lists the executor's tasks. */
  async start(): Promise<void> {
    const saved = (await this.state?.load()) ?? [];
    for (const { task, status } of saved) this.managers.set(task.id, this.manager(task, status));
    this.leftovers = new Set(await this.options.executor.list());
    for (const manager of this.managers.values()) manager.kick();
  }

  /** Applies one assignments message (see `AssignmentsMessage`). */
  assign(message: AssignmentsMessage): void {
    if (this.stopped) return;
    if (message.type === 'complete') {
      const assigned = new Set(message.updated.map((t) => t.id));
      const stale = new Set([...this.managers.keys(), ...this.leftovers]);
      for (const id of stale) if (!assigned.has(id)) this.remove(id);
      this.leftovers.clear();
    }
    for (const task of message.updated) this.upsert(task);
    for (const id of message.removed) this.remove(id);
    this.persist();
  }

  /** The tasks held now, as last assigned. */
  tasks(): Task[] {
    return [...this.managers.values()].map((m) => m.current.task);
  }

  /** The status the agent holds for `taskId`. */
  statusOf(taskId: string): TaskStatus | undefined {
    return this.managers.get(taskId)?.current.status;
  }

  /**
   * Calls `listener` with every task added from now on (with the status it came with) and
   * every status change of a held task; returns the unsubscribe function.
   */
  onTaskChanged(listener: (task: Task, status: TaskStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once no task steps and no removal runs (tests). */
  async idle(): Promise<void> {
    const managers = (): TaskManager[] => [...this.managers.values()];
    while (this.removing.size > 0 || managers().some((m) => m.busy)) {
      await Promise.all([...this.removing.values(), ...managers().map((m) => m.idle())]);
    }
    await this.state?.flushed();
  }

  /**
   * Stops driving tasks (they keep running), waits for removals, saves the task list. With
   * `removeTasks` (the node leaves the swarm) every task is stopped and removed first.
   */
  async stop(options: { readonly removeTasks?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (options.removeTasks === true) {
      const all = new Set([...this.managers.keys(), ...this.leftovers]);
      for (const id of all) this.remove(id);
      this.leftovers.clear();
    }
    await Promise.all([...this.managers.values()].map((m) => m.close()));
    await Promise.all(this.removing.values());
    this.persist();
    await this.state?.flushed();
  }

  private manager(task: Task, status: TaskStatus): TaskManager {
    return new TaskManager(task, status, {
      executor: this.options.executor,
      clock: this.options.clock,
      logger: this.options.logger,
      ...(this.options.retry === undefined ? {} : { retry: this.options.retry }),
      onStatus: (changed, next) => {
        this.options.reporter.report(changed.id, next);
        this.persist();
        for (const listener of this.listeners) listener(changed, next);
      },
    });
  }

  private upsert(task: Task): void {
    const held = this.managers.get(task.id);
    if (held) {
      const local = held.current.status;
      if (TASK_STATE_VALUES[local.State] > TASK_STATE_VALUES[task.Status.State]) {
        this.options.reporter.report(task.id, local);
      }
      held.update(task);
      return;
    }
    const manager = this.manager(task, task.Status);
    this.managers.set(task.id, manager);
    const pending = this.removing.get(task.id);
    // A task re-assigned while its removal runs starts once the removal is done.
    if (pending) void pending.then(() => manager.kick());
    else manager.kick();
    for (const listener of this.listeners) listener(task, task.Status);
  }

  private remove(id: string): void {
    const manager = this.managers.get(id);
    this.managers.delete(id);
    const executor = this.options.executor;
    const grace = manager === undefined ? undefined : stopGraceMs(manager.current.task);
    const previous = this.removing.get(id) ?? Promise.resolve();
    const removal = previous.then(async () => {
      await manager?.close();
      try {
        await executor.stop(id, grace);
        await executor.remove(id);
      } catch (error) {
        this.options.logger.warn('removing a task failed', { task: id, error: String(error) });
      }
    });
    this.removing.set(id, removal);
    void removal.finally(() => {
      if (this.removing.get(id) === removal) this.removing.delete(id);
    });
  }

  private persist(): void {
    this.state?.save([...this.managers.values()].map((m) => m.current));
  }
}
