import type {
  Executor,
  ExecutorDescription,
  TaskHealth,
  TaskLogEntry,
  TaskLogOptions,
  TaskRuntimeStatus,
} from '../../src/agent/exec/executor.ts';
import type { Task } from '../../src/api/objects/task.ts';
import { ShoalError } from '../../src/base/errors.ts';

interface FakeTask {
  status: TaskRuntimeStatus;
  readonly logs: TaskLogEntry[];
}

type Method = 'prepare' | 'start' | 'stop' | 'remove' | 'status';

/**
 * An in-memory {@link Executor} for agent tests. Tasks live in a map that survives a
 * "restart" of the worker when the same instance is reused (as containers survive a daemon
 * restart). Tests drive the runtime with {@link exit}, {@link setHealth} and {@link write},
 * inject failures with {@link failNext}, and read every call from {@link calls}. Prepare of
 * an image named `missing` fails with "No such image: missing". No timers: everything
 * resolves at once.
 */
export class FakeExecutor implements Executor {
  readonly kind = 'process' as const;
  readonly calls: string[] = [];
  readonly tasks = new Map<string, FakeTask>();
  private readonly listeners = new Set<() => void>();
  private readonly failures = new Map<Method, ShoalError[]>();
  private nextPid = 100;
  closed = false;

  constructor(
    private readonly description: ExecutorDescription = {
      engineLabels: { executor: 'process', zone: 'test' },
      resources: { NanoCPUs: 4e9, MemoryBytes: 8 * 1024 ** 3 },
      platform: { OS: 'linux', Architecture: 'x86_64' },
      engineVersion: 'fake-1.0',
    },
  ) {}

  describe(): Promise<ExecutorDescription> {
    return Promise.resolve(this.description);
  }

  list(): Promise<string[]> {
    this.calls.push('list');
    return Promise.resolve([...this.tasks.keys()]);
  }

  prepare(task: Task): Promise<void> {
    return this.run('prepare', task.id, () => {
      const image = task.Spec.ContainerSpec?.Image ?? '';
      if (image === 'missing') throw new ShoalError('NO_SUCH_IMAGE', 'No such image: missing');
      const test = task.Spec.ContainerSpec?.Healthcheck?.Test;
      const health: TaskHealth =
        test && test.length > 0 && test[0] !== 'NONE' ? 'starting' : 'none';
      if (!this.tasks.has(task.id)) {
        this.tasks.set(task.id, { status: { state: 'created', health }, logs: [] });
      }
    });
  }

  start(taskId: string): Promise<void> {
    return this.run('start', taskId, () => {
      const task = this.tasks.get(taskId);
      if (!task) throw new ShoalError('NO_SUCH_TASK', `no such task: ${taskId}`);
      if (task.status.state === 'running') return;
      const health = task.status.health;
      this.set(taskId, {
        state: 'running',
        health,
        pid: this.nextPid++,
        containerId: `c-${taskId}`,
      });
    });
  }

  status(taskId: string): Promise<TaskRuntimeStatus> {
    return this.run('status', taskId, () => this.tasks.get(taskId)?.status ?? absent, false);
  }

  async *watch(taskId: string, signal: AbortSignal): AsyncGenerator<TaskRuntimeStatus> {
    let last: TaskRuntimeStatus | undefined;
    while (!signal.aborted) {
      const now = this.tasks.get(taskId)?.status ?? absent;
      if (now !== last) {
        last = now;
        yield now;
        if (now.state === 'exited' || now.state === 'absent') return;
        continue;
      }
      await this.changed(signal);
    }
  }

  stop(taskId: string, graceMs?: number): Promise<void> {
    return this.run('stop', taskId, () => {
      this.calls[this.calls.length - 1] =
        `stop ${taskId}${graceMs === undefined ? '' : ` ${graceMs}`}`;
      const task = this.tasks.get(taskId);
      if (task?.status.state === 'running') this.exit(taskId, 143);
    });
  }

  remove(taskId: string): Promise<void> {
    return this.run('remove', taskId, () => {
      this.tasks.delete(taskId);
      this.notify();
    });
  }

  async *logs(
    taskId: string,
    options: TaskLogOptions,
    signal: AbortSignal,
  ): AsyncGenerator<TaskLogEntry> {
    const task = this.tasks.get(taskId);
    if (!task) return;
    let at = options.tail === undefined ? 0 : Math.max(0, task.logs.length - options.tail);
    for (;;) {
      while (at < task.logs.length) yield task.logs[at++]!;
      if (!options.follow || signal.aborted) return;
      await this.changed(signal);
      if (signal.aborted) return;
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Makes the next call of `method` fail with `error`. */
  failNext(method: Method, error: ShoalError): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(error);
    this.failures.set(method, queue);
  }

  /** The task's process exits with `code`. */
  exit(taskId: string, code: number): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    this.set(taskId, { ...task.status, state: 'exited', exitCode: code });
  }

  /** The task's healthcheck reports `health`. */
  setHealth(taskId: string, health: TaskHealth): void {
    const task = this.tasks.get(taskId);
    if (task) this.set(taskId, { ...task.status, health });
  }

  /** A task the executor has from a previous run, in `status`. */
  adopt(taskId: string, status: TaskRuntimeStatus): void {
    this.tasks.set(taskId, { status, logs: [] });
  }

  /** The task writes `text` on `stream`. */
  write(taskId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    const timestamp = `2024-01-01T00:00:${String(task.logs.length).padStart(2, '0')}.000000000Z`;
    task.logs.push({ stream, timestamp, data: new TextEncoder().encode(text) });
    this.notify();
  }

  /** How many calls of `method` (`start`, `prepare`...) were made for `taskId`. */
  count(method: string, taskId: string): number {
    return this.calls.filter(
      (c) => c === `${method} ${taskId}` || c.startsWith(`${method} ${taskId} `),
    ).length;
  }

  private run<T>(method: Method, taskId: string, fn: () => T, record = true): Promise<T> {
    if (record) this.calls.push(`${method} ${taskId}`);
    const failure = this.failures.get(method)?.shift();
    if (failure) return Promise.reject(failure);
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private set(taskId: string, status: TaskRuntimeStatus): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    task.status = status;
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.listeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.listeners.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

const absent: TaskRuntimeStatus = { state: 'absent', health: 'none' };
