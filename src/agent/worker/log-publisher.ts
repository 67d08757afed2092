import type { Task, TaskStatus } from '../../api/objects/task.ts';
import type { Logger } from '../../base/logger.ts';
import { selects } from '../../manager/logbroker/log-broker.ts';
import type {
  LogSubscriptionMessage,
  PublishLogsReply,
  PublishLogsRequest,
  WireLogMessage,
} from '../../manager/logbroker/log-rpc-methods.ts';
import type { TaskLogSelector } from '../../api/objects/log-message.ts';
import type { Executor } from '../exec/executor.ts';

/** Sends one batch of a subscription's logs to the leader's broker. */
export type PublishLogs = (request: PublishLogsRequest) => Promise<PublishLogsReply>;

/** What a {@link LogPublisher} reads from. */
export interface LogPublisherOptions {
  readonly worker: {
    tasks(): Task[];
    onTaskChanged(listener: (task: Task, status: TaskStatus) => void): () => void;
  };
  readonly executor: Pick<Executor, 'logs'>;
  readonly publish: PublishLogs;
  readonly logger: Logger;
  /** Most chunks per publish call. Default 100. */
  readonly maxBatch?: number;
}

/** Chunks a subscription may hold unsent before its readers wait. */
const HIGH_WATER = 1_000;

/**
 * Serves the log subscriptions the broker sends this node (swarmkit's agent log publisher):
 * for each, reads the executor's logs of the node's selected tasks and publishes them in
 * batches, one call in flight per subscription. Following, a selected task that starts
 * (`starting`/`running`) while no read of its logs is open gets one (tasks assigned later,
 * and tasks that were not yet created when the subscription came). A
 * non-follow subscription closes once every selected task's logs are sent. A subscription
 * the broker has dropped (a reply `active: false`, a failed call, a `close` message) stops.
 */
export class LogPublisher {
  private readonly subscriptions = new Map<string, AbortController>();

  constructor(private readonly options: LogPublisherOptions) {}

  /** Starts or ends the subscription `message` names. */
  handle(message: LogSubscriptionMessage): void {
    const { id } = message;
    if (message.close === true) {
      this.subscriptions.get(id)?.abort();
      this.subscriptions.delete(id);
      return;
    }
    if (this.subscriptions.has(id) || message.selector === undefined) return;
    const abort = new AbortController();
    this.subscriptions.set(id, abort);
    void this.serve(id, message.selector, abort).finally(() => {
      if (this.subscriptions.get(id) === abort) this.subscriptions.delete(id);
    });
  }

  /** Number of subscriptions being served. */
  get active(): number {
    return this.subscriptions.size;
  }

  /** Ends every subscription (the listen stream broke, or the agent stops). */
  closeAll(): void {
    for (const abort of this.subscriptions.values()) abort.abort();
    this.subscriptions.clear();
  }

  private async serve(
    id: string,
    selector: TaskLogSelector,
    abort: AbortController,
  ): Promise<void> {
    const batch = new LogBatch(id, this.options, abort, this.options.maxBatch ?? 100);
    const reading = new Set<string>();
    const pipes: Promise<void>[] = [];
    const start = (task: Task): void => {
      if (reading.has(task.id) || !selects(selector, task)) return;
      reading.add(task.id);
      const pipe = this.pipe(task.id, selector, batch, abort.signal);
      pipes.push(pipe.finally(() => reading.delete(task.id)));
    };
    const changed = (task: Task, status: TaskStatus): void => {
      if (status.State === 'starting' || status.State === 'running') start(task);
    };
    const unsubscribe = selector.follow ? this.options.worker.onTaskChanged(changed) : undefined;
    try {
      for (const task of this.options.worker.tasks()) start(task);
      if (selector.follow) {
        await new Promise<void>((resolve) => {
          if (abort.signal.aborted) resolve();
          abort.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      await Promise.all(pipes);
      if (!abort.signal.aborted) await batch.finish();
    } catch (error) {
      this.options.logger.debug('log subscription ended', {
        subscription: id,
        error: String(error),
      });
    } finally {
      unsubscribe?.();
    }
  }

  private async pipe(
    taskId: string,
    selector: TaskLogSelector,
    batch: LogBatch,
    signal: AbortSignal,
  ): Promise<void> {
    const options = {
      follow: selector.follow,
      ...(selector.tail === undefined ? {} : { tail: selector.tail }),
      ...(selector.since === undefined ? {} : { since: selector.since }),
    };
    try {
      for await (const entry of this.options.executor.logs(taskId, options, signal)) {
        if (signal.aborted) return;
        await batch.add({
          taskId,
          stream: entry.stream,
          timestamp: entry.timestamp,
          data: Buffer.from(entry.data).toString('base64'),
        });
      }
    } catch (error) {
      if (!signal.aborted) {
        this.options.logger.warn('reading task logs failed', {
          task: taskId,
          error: String(error),
        });
      }
    }
  }
}

/** One subscription's unsent chunks and its publish calls, one in flight. */
class LogBatch {
  private queued: WireLogMessage[] = [];
  private sending: Promise<void> | undefined;

  constructor(
    private readonly id: string,
    private readonly options: LogPublisherOptions,
    private readonly abort: AbortController,
    private readonly max: number,
  ) {}

  /** Queues a chunk; waits while too many are unsent. */
  async add(message: WireLogMessage): Promise<void> {
    this.queued.push(message);
    this.pump();
    while (this.queued.length >= HIGH_WATER && this.sending && !this.abort.signal.aborted) {
      await this.sending;
    }
  }

  /** Sends what is queued, then the close. */
  async finish(): Promise<void> {
    await this.settled();
    while (this.queued.length > this.max && !this.abort.signal.aborted) {
      this.pump();
      await this.settled();
    }
    if (this.abort.signal.aborted) return;
    await this.send(this.queued.splice(0), true);
  }

  private async settled(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private pump(): void {
    if (this.sending || this.queued.length === 0 || this.abort.signal.aborted) return;
    const messages = this.queued.splice(0, this.max);
    this.sending = this.send(messages, false).finally(() => {
      this.sending = undefined;
      this.pump();
    });
  }

  private async send(messages: WireLogMessage[], close: boolean): Promise<void> {
    try {
      const request = { subscriptionId: this.id, messages, ...(close ? { close: true } : {}) };
      const reply = await this.options.publish(request);
      if (!reply.active) this.abort.abort();
    } catch (error) {
      this.options.logger.debug('publishing logs failed', { error: String(error) });
      this.abort.abort();
    }
  }
}
