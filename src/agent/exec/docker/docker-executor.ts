import type { Task } from '../../../api/objects/task.ts';
import type { Clock } from '../../../base/clock.ts';
import { ShoalError } from '../../../base/errors.ts';
import type { Logger } from '../../../base/logger.ts';
import type {
  Executor,
  ExecutorDescription,
  TaskHealth,
  TaskLogEntry,
  TaskLogOptions,
  TaskRuntimeStatus,
} from '../executor.ts';
import { TaskLocks } from '../process/task-locks.ts';
import { SWARM_LABELS, containerConfig } from './container-config.ts';
import { DockerClient, engineError, isStatus } from './docker-client.ts';
import { EngineEvents } from './engine-events.ts';
import { ensureImage, noSuchImage } from './image-puller.ts';
import { LogDemuxer } from './log-demux.ts';

/** Construction options of a {@link DockerExecutor}. */
export interface DockerExecutorOptions {
  /** This node's ID: containers are labelled with it and only its own are listed. */
  readonly nodeId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default `/var/run/docker.sock`. */
  readonly socketPath?: string;
  /** How often a watcher re-inspects when no event came; default 2 s. */
  readonly pollMs?: number;
}

interface ContainerSummary {
  readonly Id: string;
  readonly Labels?: Readonly<Record<string, string>>;
}

interface ContainerInspect {
  readonly Id: string;
  readonly Config?: { readonly Tty?: boolean };
  readonly State: {
    readonly Status: string;
    readonly ExitCode?: number;
    readonly Pid?: number;
    readonly Error?: string;
    readonly Health?: { readonly Status?: string };
  };
}

interface EngineInfo {
  readonly NCPU: number;
  readonly MemTotal: number;
  readonly OSType: string;
  readonly Architecture: string;
  readonly ServerVersion: string;
  readonly Labels?: readonly string[];
}

const RUNNING_STATES = new Set(['running', 'paused', 'restarting']);

/** A container's state and health as the {@link Executor} contract words them. */
export function runtimeStatus(container: ContainerInspect): TaskRuntimeStatus {
  const state = container.State;
  const health = (state.Health?.Status ?? 'none') as TaskHealth;
  const observed: TaskRuntimeStatus['state'] =
    state.Status === 'created'
      ? 'created'
      : RUNNING_STATES.has(state.Status)
        ? 'running'
        : 'exited';
  return {
    state: observed,
    health: ['starting', 'healthy', 'unhealthy'].includes(health) ? health : 'none',
    containerId: container.Id,
    ...(state.Pid !== undefined && state.Pid > 0 ? { pid: state.Pid } : {}),
    ...(observed === 'exited' && state.ExitCode !== undefined ? { exitCode: state.ExitCode } : {}),
    ...(state.Error !== undefined && state.Error !== '' ? { error: state.Error } : {}),
  };
}

/**
 * Runs tasks as containers of the local Docker Engine (API v1.41 over its unix socket), the
 * way Swarm's container executor does: image check and pull, a container named
 * `<service>.<slot>.<task id>` with Swarm's labels, start, stop with the task's stop signal
 * and grace, forced removal, demultiplexed logs. The engine itself keeps state across shoal
 * restarts; containers are found again by their `com.docker.swarm.task.id` and node labels,
 * so two nodes sharing one engine never see each other's containers.
 */
export class DockerExecutor implements Executor {
  readonly kind = 'docker';
  private readonly client: DockerClient;
  private readonly events: EngineEvents;
  private readonly locks = new TaskLocks();
  private readonly watchers = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: DockerExecutorOptions) {
    this.client = new DockerClient(options.socketPath);
    this.events = new EngineEvents(this.client, options.nodeId, options);
  }

  async describe(): Promise<ExecutorDescription> {
    const info = await this.client.json<EngineInfo>('GET', '/info').catch((err: unknown) => {
      throw engineError(err, 'reading the Docker engine info');
    });
    const labels: Record<string, string> = {};
    for (const entry of info.Labels ?? []) {
      const at = entry.indexOf('=');
      if (at > 0) labels[entry.slice(0, at)] = entry.slice(at + 1);
    }
    return {
      engineLabels: { ...labels, executor: 'docker' },
      resources: { NanoCPUs: info.NCPU * 1e9, MemoryBytes: info.MemTotal },
      platform: { OS: info.OSType, Architecture: info.Architecture },
      engineVersion: info.ServerVersion,
    };
  }

  async list(): Promise<string[]> {
    const containers = await this.containers([SWARM_LABELS.taskId]);
    return containers.map((c) => c.Labels?.[SWARM_LABELS.taskId] ?? '').filter((id) => id !== '');
  }

  prepare(task: Task): Promise<void> {
    return this.locks.run(task.id, async () => {
      if ((await this.find(task.id)) !== undefined) return;
      // The node label is always this executor's: it is what `list` and the event stream select on.
      const body = containerConfig({ ...task, NodeID: this.options.nodeId });
      await ensureImage(this.client, body.Image, this.options.logger);
      try {
        await this.client.json('POST', '/containers/create', {
          query: { name: body.Labels[SWARM_LABELS.taskName] },
          body,
        });
      } catch (err) {
        // The name holds the task ID: a conflict means an earlier prepare already made it.
        if (isStatus(err, 409)) return;
        if (isStatus(err, 404)) throw noSuchImage(body.Image, err);
        throw engineError(err, 'creating the container');
      }
    });
  }

  start(taskId: string): Promise<void> {
    return this.locks.run(taskId, async () => {
      const container = await this.inspectTask(taskId);
      if (container === undefined) {
        throw new ShoalError(
          'EXECUTOR_TASK_NOT_FOUND',
          `task ${taskId} is not prepared on this node`,
          { status: 404 },
        );
      }
      // Swarm never restarts a task's container: only a created one is started.
      if (container.State.Status !== 'created') return;
      try {
        await this.client.call('POST', `/containers/${container.Id}/start`);
      } catch (err) {
        if (isStatus(err, 304)) return;
        throw new ShoalError(
          'EXECUTOR_START_FAILED',
          `starting container failed: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    });
  }

  async status(taskId: string): Promise<TaskRuntimeStatus> {
    const container = await this.inspectTask(taskId);
    return container === undefined ? { state: 'absent', health: 'none' } : runtimeStatus(container);
  }

  async *watch(taskId: string, signal: AbortSignal): AsyncIterable<TaskRuntimeStatus> {
    let wake: (() => void) | undefined;
    let changed: boolean;
    const poke = (): void => {
      changed = true;
      wake?.();
    };
    const unsubscribe = this.events.subscribe(taskId, poke);
    this.watchers.add(poke);
    signal.addEventListener('abort', poke);
    try {
      let last: string | undefined;
      while (!signal.aborted && !this.closed) {
        changed = false;
        const status = await this.status(taskId);
        const key = JSON.stringify(status);
        if (key !== last) {
          last = key;
          yield status;
        }
        if (status.state === 'exited' || status.state === 'absent') return;
        if (changed) continue;
        // Woken by an engine event of this container, an abort or close, or the slow poll.
        await new Promise<void>((resolve) => {
          const cancel = this.options.clock.setTimer(this.options.pollMs ?? 2_000, () => resolve());
          wake = () => {
            cancel();
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      unsubscribe();
      this.watchers.delete(poke);
      signal.removeEventListener('abort', poke);
    }
  }

  stop(taskId: string, graceMs?: number): Promise<void> {
    return this.locks.run(taskId, () => this.stopLocked(taskId, graceMs));
  }

  remove(taskId: string): Promise<void> {
    return this.locks.run(taskId, async () => {
      const container = await this.inspectTask(taskId);
      if (container === undefined) return;
      await this.stopLocked(taskId, undefined);
      try {
        await this.client.call('DELETE', `/containers/${container.Id}`, {
          query: { force: 1, v: 1 },
        });
      } catch (err) {
        if (!isStatus(err, 404, 409)) throw engineError(err, 'removing the container');
      }
    });
  }

  async *logs(
    taskId: string,
    options: TaskLogOptions,
    signal: AbortSignal,
  ): AsyncIterable<TaskLogEntry> {
    const container = await this.inspectTask(taskId);
    if (container === undefined || signal.aborted) return;
    const query = {
      stdout: 1,
      stderr: 1,
      timestamps: 1,
      follow: options.follow ? 1 : 0,
      tail: options.tail === undefined ? 'all' : Math.max(0, options.tail),
      since: options.since === undefined ? undefined : (options.since / 1000).toFixed(9),
    };
    let response;
    try {
      response = await this.client.stream('GET', `/containers/${container.Id}/logs`, {
        query,
        signal,
      });
    } catch (err) {
      if (signal.aborted || isStatus(err, 404)) return;
      throw engineError(err, 'reading the container logs');
    }
    const demuxer = new LogDemuxer(container.Config?.Tty !== true);
    try {
      for await (const chunk of response) yield* demuxer.push(chunk as Buffer);
      yield* demuxer.end();
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.events.close();
    for (const poke of this.watchers) poke();
    return Promise.resolve();
  }

  private async stopLocked(taskId: string, graceMs: number | undefined): Promise<void> {
    const container = await this.inspectTask(taskId);
    if (container === undefined || runtimeStatus(container).state !== 'running') return;
    // The engine takes whole seconds; without a grace it uses the container's StopTimeout.
    const t = graceMs === undefined ? undefined : Math.ceil(graceMs / 1000);
    try {
      await this.client.call('POST', `/containers/${container.Id}/stop`, { query: { t } });
    } catch (err) {
      if (!isStatus(err, 304, 404)) throw engineError(err, 'stopping the container');
    }
  }

  private async containers(labels: readonly string[]): Promise<ContainerSummary[]> {
    const filters = JSON.stringify({
      label: [...labels, `${SWARM_LABELS.nodeId}=${this.options.nodeId}`],
    });
    try {
      return await this.client.json<ContainerSummary[]>('GET', '/containers/json', {
        query: { all: 1, filters },
      });
    } catch (err) {
      throw engineError(err, 'listing containers');
    }
  }

  private async find(taskId: string): Promise<string | undefined> {
    const [container] = await this.containers([`${SWARM_LABELS.taskId}=${taskId}`]);
    return container?.Id;
  }

  private async inspectTask(taskId: string): Promise<ContainerInspect | undefined> {
    const id = await this.find(taskId);
    if (id === undefined) return undefined;
    try {
      return await this.client.json<ContainerInspect>('GET', `/containers/${id}/json`);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw engineError(err, 'inspecting the container');
    }
  }
}
