import { randomBytes } from 'node:crypto';
import type { TaskLogMessage, TaskLogSelector } from '../../api/objects/log-message.ts';
import type { Task } from '../../api/objects/task.ts';
import type { Logger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { isChangeOf } from '../../store/store-event.ts';
import type { Subscription as StoreSubscription } from '../../store/subscription.ts';
import { tasks } from '../../store/tables.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import { AsyncQueue } from './async-queue.ts';
import type { LogSubscriptionMessage, WireLogMessage } from './log-rpc-methods.ts';

/** Messages a reader may have queued before publishers are held back. */
export const SUBSCRIBER_HIGH_WATER = 1_000;

interface LogSubscription {
  readonly id: string;
  readonly selector: TaskLogSelector;
  /** Nodes holding (or, following, having held) selected tasks. */
  readonly nodes: Set<string>;
  /** Non-follow: nodes that have not closed yet. */
  readonly pending: Set<string>;
  readonly queue: AsyncQueue<TaskLogMessage>;
}

/** Whether `task` is one `selector` asks for. Pure. */
export function selects(selector: TaskLogSelector, task: Pick<Task, 'id' | 'ServiceID'>): boolean {
  return (
    (selector.taskIds?.includes(task.id) ?? false) ||
    (selector.serviceIds?.includes(task.ServiceID) ?? false)
  );
}

/**
 * The leader's log broker (swarmkit's `logbroker`). Managers cannot dial agents, so agents
 * keep a {@link listen} stream open and receive the subscriptions that involve their tasks;
 * they send chunks back with {@link publish}. {@link subscribe} finds the nodes holding the
 * selected tasks in the store: a non-follow subscription ends once each of them has closed
 * (a node that is not listening, or stops listening, counts as closed); a follow one lasts
 * until its reader stops, and reaches nodes that receive selected tasks later.
 */
export class LogBroker {
  private readonly subscriptions = new Map<string, LogSubscription>();
  private readonly listeners = new Map<string, Set<AsyncQueue<LogSubscriptionMessage>>>();
  private watch: StoreSubscription | undefined;
  private running = false;

  constructor(private readonly options: { readonly store: MemoryStore; readonly logger: Logger }) {}

  /** Serves from now on (leader). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const watch = this.options.store.watch({ tables: [tasks], kinds: ['created', 'updated'] });
    this.watch = watch;
    void (async () => {
      try {
        for await (const event of watch) {
          if (isChangeOf(tasks, event)) this.taskChanged(event.object);
        }
      } catch (error) {
        this.options.logger.warn('log broker task watch ended', { error: String(error) });
      }
    })();
  }

  /** Ends every subscription and listener with `MANAGER_NOT_LEADER`. */
  stop(): void {
    this.running = false;
    this.watch?.close();
    this.watch = undefined;
    for (const sub of this.subscriptions.values()) sub.queue.end(notLeader());
    this.subscriptions.clear();
    for (const set of this.listeners.values()) for (const q of set) q.end(notLeader());
    this.listeners.clear();
  }

  /**
   * The selected tasks' log chunks from every node involved, as they arrive. Ends when the
   * last node closes (non-follow), when `signal` aborts, or with `MANAGER_NOT_LEADER` when
   * this manager stops leading.
   */
  subscribe(selector: TaskLogSelector, signal: AbortSignal): AsyncIterable<TaskLogMessage> {
    if (!this.running) throw notLeader();
    const id = randomBytes(12).toString('hex');
    const nodes = new Set<string>();
    const store = this.options.store;
    const selected = [
      ...(selector.serviceIds ?? []).flatMap((s) =>
        store.find(tasks, { index: 'service', value: s }),
      ),
      ...(selector.taskIds ?? []).flatMap((t) => store.get(tasks, t) ?? []),
    ];
    for (const task of selected) if (task.NodeID !== undefined) nodes.add(task.NodeID);
    const queue = new AsyncQueue<TaskLogMessage>(SUBSCRIBER_HIGH_WATER);
    const sub: LogSubscription = { id, selector, nodes, pending: new Set(), queue };
    this.subscriptions.set(id, sub);
    for (const node of nodes) {
      if (this.send(node, { id, selector })) sub.pending.add(node);
      else if (!selector.follow) this.options.logger.warn('node not listening for logs', { node });
    }
    const end = (): void => this.end(sub);
    if (signal.aborted) end();
    signal.addEventListener('abort', end, { once: true });
    if (!selector.follow && sub.pending.size === 0) queue.end();
    return {
      [Symbol.asyncIterator]: () => {
        const iterator = queue[Symbol.asyncIterator]();
        return {
          next: () => iterator.next(),
          return: () => {
            signal.removeEventListener('abort', end);
            end();
            return iterator.return();
          },
        };
      },
    };
  }

  /**
   * The subscriptions for `nodeId`'s tasks: those active now, then new ones and closes. Ends
   * when `signal` aborts or the broker stops (`MANAGER_NOT_LEADER`).
   */
  listen(nodeId: string, signal: AbortSignal): AsyncIterable<LogSubscriptionMessage> {
    if (!this.running) throw notLeader();
    const queue = new AsyncQueue<LogSubscriptionMessage>();
    let set = this.listeners.get(nodeId);
    if (!set) this.listeners.set(nodeId, (set = new Set()));
    set.add(queue);
    for (const sub of this.subscriptions.values()) {
      if (!sub.nodes.has(nodeId)) continue;
      if (sub.selector.follow || sub.pending.has(nodeId)) {
        queue.push({ id: sub.id, selector: sub.selector });
        sub.pending.add(nodeId);
      }
    }
    const gone = (): void => {
      queue.end();
      this.listenerGone(nodeId, queue);
    };
    signal.addEventListener('abort', gone, { once: true });
    return queue;
  }

  /**
   * Chunks from `nodeId` for a subscription; resolves `false` when the subscription is gone
   * (the node stops sending), else once the reader has room. Chunks of tasks not selected are
   * dropped. `close` marks the node done (non-follow). Throws `TASK_NOT_ASSIGNED` (via
   * `checkTask`) for another node's task.
   */
  async publish(
    nodeId: string,
    subscriptionId: string,
    messages: readonly WireLogMessage[],
    close: boolean,
    checkTask: (task: Task | undefined) => void,
  ): Promise<boolean> {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) return false;
    const store = this.options.store;
    for (const m of messages) {
      const task = store.get(tasks, m.taskId);
      checkTask(task);
      if (task === undefined || !selects(sub.selector, task)) continue;
      sub.queue.push({
        taskId: m.taskId,
        serviceId: task.ServiceID,
        nodeId,
        stream: m.stream,
        timestamp: m.timestamp,
        data: Buffer.from(m.data, 'base64'),
      });
    }
    if (close && !sub.selector.follow) this.nodeDone(sub, nodeId);
    await sub.queue.waitForRoom();
    return this.subscriptions.has(subscriptionId);
  }

  /** Number of open subscriptions and listeners (for leak checks in tests). */
  get openCount(): { subscriptions: number; listeners: number } {
    let listeners = 0;
    for (const set of this.listeners.values()) listeners += set.size;
    return { subscriptions: this.subscriptions.size, listeners };
  }

  private send(nodeId: string, message: LogSubscriptionMessage): boolean {
    const set = this.listeners.get(nodeId);
    if (!set || set.size === 0) return false;
    for (const q of set) q.push(message);
    return true;
  }

  private end(sub: LogSubscription): void {
    if (!this.subscriptions.delete(sub.id)) return;
    sub.queue.end();
    for (const node of sub.nodes) this.send(node, { id: sub.id, close: true });
  }

  private nodeDone(sub: LogSubscription, nodeId: string): void {
    sub.pending.delete(nodeId);
    if (sub.pending.size === 0 && !sub.selector.follow) {
      this.subscriptions.delete(sub.id);
      sub.queue.end();
    }
  }

  private listenerGone(nodeId: string, queue: AsyncQueue<LogSubscriptionMessage>): void {
    const set = this.listeners.get(nodeId);
    set?.delete(queue);
    if (set && set.size > 0) return;
    this.listeners.delete(nodeId);
    // A node that stopped listening will not close its non-follow subscriptions.
    for (const sub of [...this.subscriptions.values()]) {
      if (!sub.selector.follow && sub.pending.has(nodeId)) this.nodeDone(sub, nodeId);
    }
  }

  private taskChanged(task: Task): void {
    const node = task.NodeID;
    if (node === undefined) return;
    for (const sub of this.subscriptions.values()) {
      if (!sub.selector.follow || sub.nodes.has(node) || !selects(sub.selector, task)) continue;
      sub.nodes.add(node);
      this.send(node, { id: sub.id, selector: sub.selector });
    }
  }
}
