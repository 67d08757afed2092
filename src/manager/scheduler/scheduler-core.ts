import type { Node } from '../../api/objects/node.ts';
import type { Task } from '../../api/objects/task.ts';
import { TASK_STATE_VALUES } from '../../api/objects/task.ts';
import type { Decision, ServiceLookup } from './decision.ts';
import { ASSIGNED_MESSAGE, PREASSIGNED_MESSAGE } from './decision.ts';
import type { ExecutorPolicy } from './filters.ts';
import { NodeInfo } from './node-info.ts';
import { Pipeline } from './pipeline.ts';
import { placeGroup } from './place-group.ts';
import type { TaskUsage } from './task-usage.ts';
import { failureKey, isActiveDesire, taskUsage } from './task-usage.ts';

interface Tracked {
  /** The newest version seen (or the version a decision was made from). */
  task: Task;
  /** The node whose account holds the task, if any. */
  nodeId: string | undefined;
  /** Pre-assigned at some point: its failures say nothing about the node choice. */
  preassigned: boolean;
}

type Standing = 'current' | 'old' | 'gone';

const PENDING = TASK_STATE_VALUES.pending;
const RUNNING = TASK_STATE_VALUES.running;

/**
 * The scheduler's decisions, without clock or I/O (swarmkit's scheduler state and `tick`).
 * Feed it every node and every task as they change ({@link SchedulerCore.setNode},
 * {@link SchedulerCore.setTask}, and the removals); it keeps each node's account
 * ({@link NodeInfo}) up to date and queues the tasks waiting for a node: `pending` without
 * a node, and `pending` pre-assigned ones (global services). {@link SchedulerCore.schedule}
 * then decides for the queue at once and returns the writes to make.
 *
 * The core assumes its decisions land: it counts a placement on the node at once. When a
 * write does not land, call {@link SchedulerCore.removeTask} and then `setTask` with the
 * stored task to bring the core back in line.
 */
export class SchedulerCore {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly unassigned = new Map<string, Task>();
  private readonly preassigned = new Map<string, Task>();
  private readonly pipeline: Pipeline;
  private live: NodeInfo[] | undefined;

  constructor(options: { readonly executorPolicy?: ExecutorPolicy } = {}) {
    this.pipeline = new Pipeline(options.executorPolicy);
  }

  /** Tasks waiting for a decision. */
  get queued(): number {
    return this.unassigned.size + this.preassigned.size;
  }

  /** The account of a node (known or only named by tasks), for inspection; do not mutate. */
  nodeInfo(id: string): NodeInfo | undefined {
    return this.infos.get(id);
  }

  /** Adds or replaces a node; returns whether a pass may now place something. */
  setNode(node: Node): boolean {
    const info = this.infos.get(node.id);
    if (info) {
      if (!info.node) this.live = undefined;
      info.setNode(node);
    } else {
      this.infos.set(node.id, new NodeInfo(node.id, node));
      this.live = undefined;
    }
    return this.queued > 0;
  }

  /** Forgets a node; tasks still naming it stay counted under its ID. */
  removeNode(id: string): void {
    const info = this.infos.get(id);
    if (!info) return;
    this.live = undefined;
    if (info.tasks.size === 0) this.infos.delete(id);
    else info.setNode(undefined);
  }

  /**
   * Takes in a task as stored (created or updated), at time `now` (milliseconds, for failure
   * tracking). Returns whether a pass may now place something: a task joined the queue or
   * changed in a way that matters, or a task left a node (freeing room) while others wait.
   * A version older than one already seen is ignored.
   */
  setTask(task: Task, now: number): boolean {
    const prev = this.tracked.get(task.id);
    if (prev && task.meta.version < prev.task.meta.version) return false;
    const state = TASK_STATE_VALUES[task.Status.State];
    if (state < PENDING) return false;
    if (state > RUNNING) return this.finished(task, prev, now);
    if (state === PENDING) return this.enqueue(task, prev);
    if (task.NodeID === undefined || task.NodeID === '') return false;
    return this.onNode(task, task.NodeID, prev);
  }

  /** Forgets a task (deleted, or finished); returns whether that freed room others wait for. */
  removeTask(id: string): boolean {
    const prev = this.tracked.get(id);
    this.tracked.delete(id);
    this.unassigned.delete(id);
    this.preassigned.delete(id);
    return this.release(id, prev, undefined) && this.queued > 0;
  }

  /**
   * Decides for every queued task: pre-assigned ones first (they only need their node to
   * pass the filters), then the others grouped by service and spec version, each group
   * placed at once. Placements are counted on their nodes immediately. `now` is the time
   * for failure windows; `services` tells which tasks belong to an older spec or to a
   * service that is gone. Returns the writes to make, in decision order.
   *
   * Where shoal differs from swarmkit, on purpose: groups and tasks go in queue order and
   * ties between equal nodes break by node ID (Swarm iterates Go maps, so its choices vary);
   * a task whose desired state is past `complete` is never placed (Swarm may still assign
   * one); and the "no suitable node (...)" explanation blames each node on its first failing
   * filter after the group's placements, instead of counting failures since the last node
   * that passed (which made Swarm's text depend on map order).
   */
  schedule(now: number, services: ServiceLookup): Decision[] {
    const decisions: Decision[] = [];
    for (const task of [...this.preassigned.values()])
      this.checkPreassigned(task, services, decisions);
    const groups = new Map<string, Task[]>();
    for (const task of this.unassigned.values()) {
      const key = `${task.ServiceID}\0${task.SpecVersion?.Index ?? `#${task.id}`}`;
      const group = groups.get(key);
      if (group) group.push(task);
      else groups.set(key, [task]);
    }
    for (const group of groups.values()) this.scheduleGroup(group, now, services, decisions);
    return decisions;
  }

  /** A task past `running`: it frees its node; a failure marks the node for this service. */
  private finished(task: Task, prev: Tracked | undefined, now: number): boolean {
    if (!prev) return false;
    const failed = task.Status.State === 'failed' || task.Status.State === 'rejected';
    if (
      failed &&
      prev.task.Status.State !== task.Status.State &&
      !prev.preassigned &&
      prev.nodeId
    ) {
      this.infos.get(prev.nodeId)?.recordFailure(failureKey(task), now);
    }
    return this.removeTask(task.id);
  }

  /** A task assigned to `nodeId` (by this scheduler or not), up to `running`. */
  private onNode(task: Task, nodeId: string, prev: Tracked | undefined): boolean {
    const held = prev?.nodeId === nodeId ? this.infos.get(nodeId)?.tasks.get(task.id) : undefined;
    if (prev && held && held.active === isActiveDesire(task)) {
      // A task's spec never changes: only its desired state can alter what it takes.
      prev.task = task;
      return false;
    }
    const freed = this.release(task.id, prev, nodeId);
    this.unassigned.delete(task.id);
    this.preassigned.delete(task.id);
    const usage = taskUsage(task);
    this.account(nodeId).addTask(task.id, usage);
    this.tracked.set(task.id, { task, nodeId, preassigned: prev?.preassigned ?? false });
    // A task no longer wanted frees a place under max-replicas even before it stops.
    return (freed || (held?.active === true && !usage.active)) && this.queued > 0;
  }

  private enqueue(task: Task, prev: Tracked | undefined): boolean {
    const preassigned = task.NodeID !== undefined && task.NodeID !== '';
    const queue = preassigned ? this.preassigned : this.unassigned;
    const queuedBefore = queue.get(task.id);
    const freed = this.release(task.id, prev, undefined);
    (preassigned ? this.unassigned : this.preassigned).delete(task.id);
    queue.set(task.id, task);
    this.tracked.set(task.id, {
      task,
      nodeId: undefined,
      preassigned: preassigned || (prev?.preassigned ?? false),
    });
    // Our own Err writes come back as updates; they need no new pass.
    const same =
      queuedBefore !== undefined &&
      queuedBefore.DesiredState === task.DesiredState &&
      queuedBefore.NodeID === task.NodeID &&
      queuedBefore.SpecVersion?.Index === task.SpecVersion?.Index;
    return !same || freed;
  }

  /** Takes the task off the node holding it, unless that is `keepOn`; true if room was freed. */
  private release(id: string, prev: Tracked | undefined, keepOn: string | undefined): boolean {
    const nodeId = prev?.nodeId;
    if (nodeId === undefined || nodeId === keepOn) return false;
    const info = this.infos.get(nodeId);
    const freed = info?.removeTask(id) ?? false;
    if (info && !info.node && info.tasks.size === 0) this.infos.delete(nodeId);
    return freed;
  }

  private account(nodeId: string): NodeInfo {
    let info = this.infos.get(nodeId);
    if (!info) this.infos.set(nodeId, (info = new NodeInfo(nodeId)));
    return info;
  }

  /** Known nodes in ID order (their `order`), rebuilt only when nodes come or go. */
  private liveNodes(): NodeInfo[] {
    if (!this.live) {
      this.live = [...this.infos.values()]
        .filter((info) => info.node !== undefined)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.live.forEach((info, i) => (info.order = i));
    }
    return this.live;
  }

  private standing(task: Task, services: ServiceLookup): Standing {
    const service = services(task.ServiceID);
    if (!service) return 'gone';
    const current = service.SpecVersion?.Index;
    const own = task.SpecVersion?.Index;
    return current !== undefined && own !== undefined && current > own ? 'old' : 'current';
  }

  /**
   * A queued task nobody wants running any more: an older version's goes to `shutdown`
   * (Swarm's rule); any other simply leaves the queue (the reaper or orchestrator owns it).
   */
  private retire(task: Task, services: ServiceLookup, decisions: Decision[]): void {
    if (this.standing(task, services) === 'old') {
      decisions.push({ kind: 'shutdown', task });
      this.removeTask(task.id);
      return;
    }
    this.unassigned.delete(task.id);
    this.preassigned.delete(task.id);
  }

  private placed(
    task: Task,
    node: NodeInfo,
    usage: TaskUsage,
    message: string,
    decisions: Decision[],
  ): void {
    node.addTask(task.id, usage);
    this.unassigned.delete(task.id);
    this.preassigned.delete(task.id);
    const prev = this.tracked.get(task.id);
    this.tracked.set(task.id, { task, nodeId: node.id, preassigned: prev?.preassigned ?? false });
    decisions.push({ kind: 'assign', task, nodeId: node.id, message });
  }

  private checkPreassigned(task: Task, services: ServiceLookup, decisions: Decision[]): void {
    if (!isActiveDesire(task)) return this.retire(task, services, decisions);
    const node = this.infos.get(task.NodeID ?? '');
    // A node not seen yet: keep the task queued until it shows up (Swarm does the same).
    if (!node?.node) return;
    const usage = taskUsage(task);
    this.pipeline.setTask(task, usage);
    if (this.pipeline.passes(node)) {
      this.placed(task, node, usage, PREASSIGNED_MESSAGE, decisions);
      return;
    }
    const err = this.pipeline.explain([node]);
    if (err !== (task.Status.Err ?? '')) decisions.push({ kind: 'pending', task, err });
  }

  private scheduleGroup(
    members: Task[],
    now: number,
    services: ServiceLookup,
    decisions: Decision[],
  ): void {
    const tasks: Task[] = [];
    for (const task of members) {
      if (isActiveDesire(task)) tasks.push(task);
      else this.retire(task, services, decisions);
    }
    const first = tasks[0];
    if (!first) return;
    const usage = taskUsage(first);
    const pipeline = this.pipeline;
    pipeline.setTask(first, usage);
    const live = this.liveNodes();
    let next = 0;
    const group = {
      serviceId: first.ServiceID,
      failureKey: failureKey(first),
      preferences: first.Spec.Placement?.Preferences,
      size: tasks.length,
    };
    placeGroup(group, live, pipeline, now, (node) =>
      this.placed(tasks[next++]!, node, usage, ASSIGNED_MESSAGE, decisions),
    );
    if (next === tasks.length) return;
    const explanation = pipeline.explain(live);
    const err = explanation === '' ? 'no suitable node' : `no suitable node (${explanation})`;
    for (const task of tasks.slice(next)) {
      const standing = this.standing(task, services);
      if (standing !== 'current') {
        // Gone, or superseded: the orchestrator replaces it; stop trying until it changes.
        this.unassigned.delete(task.id);
        continue;
      }
      if (err !== (task.Status.Err ?? '')) decisions.push({ kind: 'pending', task, err });
    }
  }
}
