import { DEFAULT_HEARTBEAT_PERIOD, MILLISECOND } from '../../api/defaults.ts';
import type { Node, NodeDescription } from '../../api/objects/node.ts';
import { notFoundError } from '../../api/resolve.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { STORE_SEQUENCE_CONFLICT } from '../../store/store-errors.ts';
import { clusters, nodes } from '../../store/tables.ts';
import { caError } from '../ca/ca-errors.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import { isRemoved } from '../controlapi/nodes.ts';
import { LogBroker } from '../logbroker/log-broker.ts';
import { streamAssignments } from './assignments.ts';
import { NodeOrphans } from './node-orphans.ts';
import type { NodeHealthTransition, TrackedNode } from './node-health.ts';
import {
  DEFAULT_GRACE_MULTIPLIER,
  DISCONNECTED_MESSAGE,
  LEADERSHIP_CHANGE_MESSAGE,
  decideNodeHealth,
  heartbeatDeadline,
  heartbeatTransition,
  jitteredPeriod,
  nextDeadline,
} from './node-health.ts';
import type { AssignmentsMessage, TaskStatusUpdate } from './task-rpc-methods.ts';
import { TaskStatusWriter } from './task-status-writer.ts';

/** Dependencies and policy of a {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly store: MemoryStore;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Periods without a heartbeat before a node is down. Default 3 (Swarm's). */
  readonly graceMultiplier?: number;
  /** Jitter source for the periods handed out; none gives the exact period. */
  readonly random?: () => number;
  /** How long a node stays down before its live tasks are orphaned. Default 24 h (Swarm's). */
  readonly orphanAfterMs?: number;
}

/** What a heartbeat returns: when the agent must send the next one. */
export interface HeartbeatResponse {
  readonly periodMs: number;
  /** The node's desired role (`Spec.Role`, else its current role). */
  readonly role?: 'worker' | 'manager';
}

/**
 * The leader-only heartbeat tracker (the liveness half of Swarm's dispatcher): agents call
 * {@link heartbeat}; a node silent for `period × grace` is written `down` ("heartbeat
 * failure"). On start, every node not down becomes `unknown` with twice the grace, as after a
 * Swarm leader change. The period is the cluster's `Spec.Dispatcher.HeartbeatPeriod`
 * (default 5 s). Decisions are node-health.ts; this class owns the timer and the writes.
 *
 * It also serves the task path: {@link assignments} streams each node its tasks
 * (assignments.ts), {@link updateTaskStatus} takes their status reports (task-status-writer.ts),
 * {@link logs} is the leader's log broker, and a node down for 24 h has its live tasks orphaned
 * (node-orphans.ts). All of it starts and stops with the dispatcher.
 */
export class Dispatcher {
  private readonly tracked = new Map<string, TrackedNode>();
  private readonly logger: Logger;
  private readonly grace: number;
  private cancelTimer: CancelTimer | undefined;
  /** The deadline the armed timer fires for, if one is armed. */
  private armedFor: number | undefined;
  private running = false;
  private writes: Promise<unknown> = Promise.resolve();
  /** Aborted when the dispatcher stops, ending every assignments stream. */
  private streams = new AbortController();
  private readonly orphans: NodeOrphans;
  private readonly statuses: TaskStatusWriter;
  /** Open assignments streams per node, to tell when a node's last one drops. */
  private readonly openStreams = new Map<string, number>();
  /** The leader's log broker; serves while the dispatcher runs. */
  readonly logs: LogBroker;

  constructor(private readonly options: DispatcherOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'dispatcher' });
    this.grace = options.graceMultiplier ?? DEFAULT_GRACE_MULTIPLIER;
    const deps = { store: options.store, clock: options.clock, logger: this.logger };
    this.orphans = new NodeOrphans({
      ...deps,
      ...(options.orphanAfterMs === undefined ? {} : { downPeriodMs: options.orphanAfterMs }),
    });
    this.statuses = new TaskStatusWriter(deps);
    this.logs = new LogBroker(deps);
  }

  /** The base heartbeat period in milliseconds, from the cluster spec. */
  periodMs(): number {
    const cluster = this.options.store.all(clusters)[0];
    const ns = cluster?.Spec.Dispatcher?.HeartbeatPeriod ?? DEFAULT_HEARTBEAT_PERIOD;
    return (ns > 0 ? ns : DEFAULT_HEARTBEAT_PERIOD) / MILLISECOND;
  }

  /** Starts tracking every node (call when this manager becomes leader). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.options.clock.now();
    const deadline = heartbeatDeadline(now, this.periodMs(), this.grace * 2);
    const moved: NodeHealthTransition[] = [];
    for (const node of this.options.store.all(nodes)) {
      const state = node.Status.State === 'down' ? 'down' : 'unknown';
      this.tracked.set(node.id, { nodeId: node.id, state, deadline });
      if (state === 'down') this.orphans.nodeDown(node.id);
      if (state === 'unknown') {
        moved.push({ nodeId: node.id, state, message: LEADERSHIP_CHANGE_MESSAGE });
      }
    }
    void this.write(moved);
    this.streams = new AbortController();
    this.statuses.start();
    this.logs.start();
    this.rearm();
  }

  /**
   * Stops tracking. Status writes in flight are not awaited: off the leader they may never
   * settle; {@link settled} waits for them when the caller knows they will.
   */
  stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.armedFor = undefined;
    this.tracked.clear();
    this.streams.abort(notLeader());
    this.orphans.stop();
    this.logs.stop();
    // Like node status writes, queued task status writes may never settle off the leader.
    void this.statuses.stop();
    return Promise.resolve();
  }

  /** Resolves once the status writes started so far have settled (success or failure). */
  settled(): Promise<void> {
    return this.writes.then(() => {});
  }

  /**
   * A node's heartbeat: pushes its deadline back, marks it `ready` if it was not (and
   * stores `description` when given), and returns the period to wait before the next one.
   * Throws `NODE_NOT_FOUND` for an unknown node, `CA_NODE_REMOVED` for a removed one.
   */
  async heartbeat(nodeId: string, description?: NodeDescription): Promise<HeartbeatResponse> {
    const node = this.checkNode(nodeId);
    const periodMs = jitteredPeriod(this.periodMs(), this.options.random);
    const state = this.tracked.get(nodeId)?.state ?? node.Status.State;
    const now = this.options.clock.now();
    const deadline = heartbeatDeadline(now, periodMs, this.grace);
    this.tracked.set(nodeId, { nodeId, state: 'ready', deadline });
    this.orphans.nodeUp(nodeId);
    const change = heartbeatTransition({ nodeId, state });
    if (change || description) await this.writeOne(change ?? undefined, nodeId, description);
    // A heartbeat only pushes one deadline later, so the armed timer stays right unless this
    // deadline comes before it (a shortened period). Rescanning every node on every
    // heartbeat would cost O(nodes) per heartbeat.
    if (this.armedFor === undefined || deadline < this.armedFor) this.rearm();
    return { periodMs, role: node.Spec.Role ?? node.Role };
  }

  /**
   * The assignments stream of `nodeId` (see assignments.ts): ends when `signal` aborts, and
   * fails with `MANAGER_NOT_LEADER` when the dispatcher stops. Throws `MANAGER_NOT_LEADER`
   * when stopped, `CA_NODE_REMOVED` / `NODE_NOT_FOUND` for a removed or unknown node.
   */
  assignments(nodeId: string, signal: AbortSignal): AsyncIterable<AssignmentsMessage> {
    this.checkNode(nodeId);
    const streams = this.streams.signal;
    const stream = streamAssignments(this.options.store, nodeId, {
      clock: this.options.clock,
      signal: AbortSignal.any([signal, streams]),
    });
    this.openStreams.set(nodeId, (this.openStreams.get(nodeId) ?? 0) + 1);
    const closed = (): void => {
      const left = (this.openStreams.get(nodeId) ?? 1) - 1;
      if (left > 0) this.openStreams.set(nodeId, left);
      else this.openStreams.delete(nodeId);
      if (left <= 0 && signal.aborted && !streams.aborted) this.disconnected(nodeId);
    };
    return (async function* () {
      try {
        yield* stream;
      } finally {
        closed();
      }
      if (streams.aborted && !signal.aborted) throw notLeader();
    })();
  }

  /**
   * A node's last assignments stream was closed by the node's side (its connection dropped:
   * the agent died, or is looking for another manager). Swarm waits the full heartbeat grace
   * (3 periods, ~15 s) before the node is down; shoal marks it `disconnected` at once and
   * down after one period without a heartbeat or a new stream, so its tasks are replaced
   * several times sooner. A live agent reconnects well within a period.
   */
  private disconnected(nodeId: string): void {
    const node = this.tracked.get(nodeId);
    if (!this.running || node === undefined || node.state === 'down') return;
    const deadline = Math.min(node.deadline, this.options.clock.now() + this.periodMs());
    this.tracked.set(nodeId, { nodeId, state: 'disconnected', deadline });
    this.logger.info('node disconnected', { node: nodeId });
    void this.write([{ nodeId, state: 'disconnected', message: DISCONNECTED_MESSAGE }]);
    if (this.armedFor === undefined || deadline < this.armedFor) this.rearm();
  }

  /** Status reports of `nodeId`'s tasks; see TaskStatusWriter.update. */
  updateTaskStatus(nodeId: string, updates: readonly TaskStatusUpdate[]): Promise<void> {
    if (!this.running) return Promise.reject(notLeader());
    return this.statuses.update(nodeId, updates);
  }

  /** Applies the decisions due at the clock's `now`; the timer calls it, tests may too. */
  sweep(): Promise<void> {
    const now = this.options.clock.now();
    const store = this.options.store;
    for (const id of this.tracked.keys()) if (!store.get(nodes, id)) this.tracked.delete(id);
    const transitions = decideNodeHealth(this.tracked.values(), now);
    for (const t of transitions) {
      const node = this.tracked.get(t.nodeId);
      if (node) this.tracked.set(t.nodeId, { ...node, state: t.state });
      if (t.state === 'down') this.orphans.nodeDown(t.nodeId);
      this.logger.info('node is down', { node: t.nodeId, reason: t.message });
    }
    const done = this.write(transitions);
    this.rearm();
    return done;
  }

  /** The node, if this dispatcher runs and the node is a live member of the cluster. */
  private checkNode(nodeId: string): Node {
    const store = this.options.store;
    if (!this.running) throw notLeader();
    if (isRemoved(store, nodeId)) {
      throw caError('CA_NODE_REMOVED', `Permission denied: node ${nodeId} was removed from swarm`);
    }
    const node = store.get(nodes, nodeId);
    if (!node) throw notFoundError('node', nodeId);
    return node;
  }

  private rearm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.armedFor = undefined;
    if (!this.running) return;
    const next = nextDeadline(this.tracked.values());
    if (next === undefined) return;
    const delay = Math.max(0, next - this.options.clock.now());
    this.armedFor = next;
    this.cancelTimer = this.options.clock.setTimer(delay, () => {
      this.cancelTimer = undefined;
      this.armedFor = undefined;
      void this.sweep();
    });
  }

  private write(transitions: readonly NodeHealthTransition[]): Promise<void> {
    const done = Promise.all(transitions.map((t) => this.writeOne(t, t.nodeId))).then(() => {});
    this.writes = this.writes.then(() => done).catch(() => {});
    return done;
  }

  /** Writes a status change (and description), retrying once on a concurrent write. */
  private async writeOne(
    change: NodeHealthTransition | undefined,
    nodeId: string,
    description?: NodeDescription,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.store.update((tx) => {
          const node = tx.get(nodes, nodeId);
          if (!node) return;
          tx.update(nodes, {
            ...node,
            // The agent's description does not carry TLSInfo (the certificate renewer reports
            // it separately): keep the recorded one so `node ls` and rotation progress hold.
            ...(description
              ? {
                  Description: {
                    ...description,
                    ...(description.TLSInfo === undefined && node.Description?.TLSInfo !== undefined
                      ? { TLSInfo: node.Description.TLSInfo }
                      : {}),
                  },
                }
              : {}),
            ...(change
              ? { Status: { ...node.Status, State: change.state, Message: change.message } }
              : {}),
          });
        });
        return;
      } catch (error) {
        const conflict = (error as { code?: string }).code === STORE_SEQUENCE_CONFLICT;
        if (!conflict || attempt >= 2) {
          this.logger.warn('node status write failed', { node: nodeId, error: String(error) });
          return;
        }
      }
    }
  }
}
