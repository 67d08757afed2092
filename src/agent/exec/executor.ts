import type { Task } from '../../api/objects/task.ts';

/** What a node advertises about the executor that runs its tasks. */
export interface ExecutorDescription {
  /** `executor` (`docker` | `process`) and anything else constraints may select on. */
  readonly engineLabels: Readonly<Record<string, string>>;
  /** Capacity the scheduler reserves against: nano-CPUs and bytes of memory. */
  readonly resources: { readonly NanoCPUs: number; readonly MemoryBytes: number };
  /** Go-style names: `linux`, `x86_64` / `aarch64` as Docker reports them. */
  readonly platform: { readonly OS: string; readonly Architecture: string };
  /** The engine's version string shown in `node ls` (ENGINE VERSION). */
  readonly engineVersion: string;
}

/** Health of a running task whose spec has a healthcheck; `none` without one. */
export type TaskHealth = 'none' | 'starting' | 'healthy' | 'unhealthy';

/** What an executor observes of one task's container or process. */
export interface TaskRuntimeStatus {
  /** `absent`: nothing exists for the task; `created`: prepared, not started. */
  readonly state: 'absent' | 'created' | 'running' | 'exited';
  readonly health: TaskHealth;
  readonly exitCode?: number;
  readonly pid?: number;
  /** The container ID (docker) or a stable handle (process). */
  readonly containerId?: string;
  /** Why the runtime itself failed (not the task's exit), in words for `service ps`. */
  readonly error?: string;
}

/** One line (or chunk) of a task's output. */
export interface TaskLogEntry {
  readonly stream: 'stdout' | 'stderr';
  /** RFC 3339 time with nanoseconds, as Docker prints with `--timestamps`. */
  readonly timestamp: string;
  readonly data: Uint8Array;
}

/** Options of {@link Executor.logs}. */
export interface TaskLogOptions {
  /** Keep streaming new output until the signal aborts or the task's output ends. */
  readonly follow: boolean;
  /** Only the last N entries of what exists (all when undefined). */
  readonly tail?: number;
  /** Only entries at or after this time (ms since epoch). */
  readonly since?: number;
}

/**
 * Runs tasks on one node (DESIGN.md §5). Every method is idempotent and keyed by task ID, so
 * the worker can call it again after a crash or restart: `prepare` of a prepared task and
 * `start` of a running one do nothing; `stop` and `remove` of an absent task succeed. State
 * survives a restart of the daemon: {@link list} finds what a previous run started.
 *
 * Errors are `ShoalError`s whose message reads well in `service ps` (e.g. "No such image:
 * busybox:latest"). An error from `prepare` rejects the task; from `start` fails it.
 */
export interface Executor {
  readonly kind: 'docker' | 'process';
  /** The node's executor facts; called at startup and on every description refresh. */
  describe(): Promise<ExecutorDescription>;
  /** IDs of the tasks whose containers or processes exist (running or not). */
  list(): Promise<string[]>;
  /** Pulls or checks the image, creates the container or sandbox; does not start it. */
  prepare(task: Task): Promise<void>;
  /** Starts a prepared task. Resolves once the container or process is running. */
  start(taskId: string): Promise<void>;
  /** The task's current runtime state (`absent` when nothing exists). */
  status(taskId: string): Promise<TaskRuntimeStatus>;
  /**
   * Yields the task's status each time its state or health changes, starting with the
   * current one, and ends after it yields an `exited` (or `absent`) status or when `signal`
   * aborts.
   */
  watch(taskId: string, signal: AbortSignal): AsyncIterable<TaskRuntimeStatus>;
  /**
   * Stops the task: its stop signal (default SIGTERM), then SIGKILL after its grace period
   * (default 10 s) or `graceMs` when given. Resolves once it has exited.
   */
  stop(taskId: string, graceMs?: number): Promise<void>;
  /** Removes the container or sandbox and its logs; stops it first if it runs. */
  remove(taskId: string): Promise<void>;
  /** The task's captured output; empty for a task the executor does not know. */
  logs(taskId: string, options: TaskLogOptions, signal: AbortSignal): AsyncIterable<TaskLogEntry>;
  /** Releases the executor's own resources (watchers, sockets); tasks keep running. */
  close(): Promise<void>;
}
