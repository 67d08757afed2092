import type { NodeDescription } from '../../api/objects/node.ts';
import type { Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { SeededRng } from '../../base/rng.ts';
import type { Rng } from '../../base/rng.ts';
import type { Executor } from '../../agent/exec/executor.ts';
import {
  describeExecutorNode,
  describeNode,
  localNodeFacts,
} from '../../agent/session/node-description.ts';
import { Session } from '../../agent/session/session.ts';
import type { SessionStatus } from '../../agent/session/session.ts';
import { LeaderStream } from '../../agent/worker/leader-stream.ts';
import { LogPublisher } from '../../agent/worker/log-publisher.ts';
import { StatusReporter } from '../../agent/worker/status-reporter.ts';
import { Worker } from '../../agent/worker/worker.ts';
import { mutualTlsClientOptions } from '../../manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import {
  assignmentsMethod,
  updateTaskStatusMethod,
} from '../../manager/dispatcher/task-rpc-methods.ts';
import { listenLogsMethod, publishLogsMethod } from '../../manager/logbroker/log-rpc-methods.ts';
import { RpcClient } from '../../manager/rpc/rpc-client.ts';
import { rpcError } from '../../manager/rpc/rpc-errors.ts';

/** What a {@link NodeAgent} runs as. */
export interface NodeAgentOptions {
  readonly clusterId: string;
  /** Read at each new connection, so a re-issued certificate is picked up. */
  readonly identity: () => TlsIdentity;
  /** Managers to heartbeat, first tried first (a manager's own address leads). */
  readonly managers: readonly string[];
  readonly hostname: string;
  readonly engineVersion: string;
  /**
   * Makes the executor that runs this node's tasks (the daemon's `--executor`). Without one
   * the agent only heartbeats, describing the node as a `process` executor host.
   */
  readonly executor?: () => Executor;
  /** The worker's state dir (`tasks.json`), e.g. `<swarm dir>/worker`; none keeps nothing. */
  readonly workerDir?: string;
  /** Told the role the managers want this node in, with every accepted heartbeat. */
  readonly onRole?: (role: 'worker' | 'manager') => void;
}

/** What a {@link NodeAgent} takes from the daemon. */
export interface NodeAgentDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Seeds the session's jitter. */
  readonly random: () => number;
}

/** The running parts of an agent with an executor. */
interface TaskPath {
  readonly executor: Executor;
  readonly worker: Worker;
  readonly reporter: StatusReporter;
  readonly publisher: LogPublisher;
  readonly streams: readonly LeaderStream<unknown>[];
}

/**
 * The node's agent: a dispatcher {@link Session} (heartbeats) over a mutual-TLS
 * {@link RpcClient} presenting this node's certificate and accepting only managers of its
 * cluster; every swarm node runs one, managers included, so each node stays `ready`. With an
 * executor it also runs the task path: the {@link Worker} fed by the `dispatcher.assignments`
 * stream, its statuses reported through `dispatcher.updateTaskStatus`, and the node's log
 * subscriptions (`logs.listen` / `logs.publish`); both streams follow the leader the session
 * heartbeats. The node description then comes from `Executor.describe()`. `start` runs the
 * setup in the background; `stop` waits for it, then stops everything (tasks keep running)
 * and closes the client; it is idempotent.
 */
export class NodeAgent {
  private readonly rpc: RpcClient;
  private readonly rng: Rng;
  private session: Session | undefined;
  private tasks: TaskPath | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: NodeAgentOptions,
    private readonly deps: NodeAgentDeps,
  ) {
    const policy = {
      clusterId: options.clusterId,
      now: () => deps.clock.now(),
      isRemoved: () => false,
      allowedRoles: ['manager' as const],
    };
    this.rpc = new RpcClient(
      { tlsOptions: () => mutualTlsClientOptions(options.identity(), policy) },
      { clock: deps.clock },
    );
    this.rng = new SeededRng(Math.floor(deps.random() * 0x7fffffff));
  }

  /** Starts heartbeating (and, with an executor, the worker and its streams) in the background. */
  start(): void {
    this.starting ??= this.setUp().catch((error: unknown) => {
      this.deps.logger.error('the agent failed to start', { error: String(error) });
    });
  }

  /** Resolves once {@link start}'s setup is done (tests). */
  ready(): Promise<void> {
    return this.starting ?? Promise.resolve();
  }

  /** The session as it stands (tests, status output). */
  status(): SessionStatus {
    return (
      this.session?.status() ?? {
        state: 'connecting',
        failures: 0,
        managers: [...this.options.managers],
      }
    );
  }

  /** The worker, once running (tests, status output). */
  worker(): Worker | undefined {
    return this.tasks?.worker;
  }

  /**
   * Stops the streams, the worker and the session, then closes the client's connections.
   * Tasks keep running (a restarted agent adopts them) unless `removeTasks` is set, as for
   * `swarm leave`, which stops and removes them.
   */
  stop(options: { readonly removeTasks?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting;
      const tasks = this.tasks;
      if (tasks) {
        await Promise.all(tasks.streams.map((s) => s.stop()));
        tasks.publisher.closeAll();
        await tasks.worker.stop(options);
        await tasks.reporter.stop();
        await tasks.executor.close();
      }
      await this.session?.stop();
      this.rpc.close();
    })();
    return this.stopping;
  }

  private async setUp(): Promise<void> {
    const executor = this.options.executor?.();
    this.session = new Session(
      {
        managers: this.options.managers,
        description: await this.describe(executor),
        ...(this.options.onRole === undefined ? {} : { onRole: this.options.onRole }),
      },
      { clock: this.deps.clock, rng: this.rng, rpc: this.rpc, logger: this.deps.logger },
    );
    if (this.stopping) return;
    this.session.start();
    if (executor) this.tasks = await this.startTasks(executor);
  }

  private async describe(executor: Executor | undefined): Promise<NodeDescription> {
    const { hostname, engineVersion } = this.options;
    if (executor) {
      try {
        return describeExecutorNode(hostname, executor.kind, await executor.describe());
      } catch (error) {
        this.deps.logger.warn('the executor could not describe the node', { error: String(error) });
      }
    }
    const facts = localNodeFacts(executor?.kind ?? 'process', engineVersion);
    return describeNode({ ...facts, hostname });
  }

  private async startTasks(executor: Executor): Promise<TaskPath> {
    const { clock, logger } = this.deps;
    const leader = (): string | undefined => this.session?.status().manager;
    const callOptions = { timeoutMs: 5_000 };
    const reporter = new StatusReporter({
      clock,
      logger,
      send: async (updates) => {
        const target = leader();
        if (target === undefined) throw rpcError('RPC_UNAVAILABLE', 'no leader is known yet');
        await this.rpc.call(target, updateTaskStatusMethod, { updates }, callOptions);
      },
    });
    const worker = new Worker({
      executor,
      clock,
      logger,
      reporter,
      ...(this.options.workerDir === undefined ? {} : { stateDir: this.options.workerDir }),
    });
    await worker.start();
    const publisher = new LogPublisher({
      worker,
      executor,
      logger,
      publish: async (request) => {
        const target = leader();
        if (target === undefined) throw rpcError('RPC_UNAVAILABLE', 'no leader is known yet');
        return this.rpc.call(target, publishLogsMethod, request, callOptions);
      },
    });
    const common = { target: leader, clock, rng: this.rng, logger };
    const streams = [
      new LeaderStream({
        ...common,
        name: 'assignments',
        open: (address, signal) => this.rpc.stream(address, assignmentsMethod, {}, { signal }),
        onItem: (message) => worker.assign(message),
      }),
      new LeaderStream({
        ...common,
        name: 'log subscriptions',
        open: (address, signal) => this.rpc.stream(address, listenLogsMethod, {}, { signal }),
        onItem: (message) => publisher.handle(message),
        onDisconnect: () => publisher.closeAll(),
      }),
    ];
    for (const stream of streams) stream.start();
    return { executor, worker, reporter, publisher, streams: streams as LeaderStream<unknown>[] };
  }
}
