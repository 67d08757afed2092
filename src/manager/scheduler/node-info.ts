import type { Node } from '../../api/objects/node.ts';
import type { TaskUsage } from './task-usage.ts';
import { genericByKind } from './task-usage.ts';

/** Failures of one service version on a node that make it faulty (swarmkit's `maxFailures`). */
export const MAX_FAILURES = 5;
/** How far back failures count, in milliseconds (swarmkit's `monitorFailures`, 5 min). */
export const FAILURE_WINDOW_MS = 5 * 60 * 1000;

/**
 * The scheduler's running account of one node (swarmkit's `NodeInfo`): the node object, the
 * tasks placed on it (assigned to running, with their usage), active task counts in total
 * and per service, reserved resources, host ports in use, and recent failures per service
 * version. Updated in place as tasks come and go, so a scheduling pass never recomputes it.
 *
 * A NodeInfo may exist without a node (`node` undefined): tasks that name a node the
 * scheduler has not seen yet (or that was removed) are counted here until it appears.
 */
export class NodeInfo {
  /** The stored node, or undefined while unknown. */
  node: Node | undefined;
  /** Whether the node takes new tasks: status `ready` and availability `active`. */
  schedulable = false;
  /** The executor the node's engine advertises (engine label `executor`), if any. */
  executor: string | undefined;
  /** Position in the scheduler's node order; breaks ranking ties deterministically. */
  order = 0;
  /** Tasks counted on this node, by task ID. */
  readonly tasks = new Map<string, TaskUsage>();
  /** Tasks whose desired state is at most `complete`. */
  activeTasks = 0;
  /** Active tasks by service ID. */
  readonly activeByService = new Map<string, number>();
  reservedNanoCpus = 0;
  reservedMemoryBytes = 0;
  /** Host-mode ports in use (`tcp/8080`), with the number of tasks holding each. */
  readonly hostPorts = new Map<string, number>();
  private totalNanoCpus = 0;
  private totalMemoryBytes = 0;
  private totalGeneric: ReadonlyMap<string, number> | undefined;
  private readonly reservedGeneric = new Map<string, number>();
  private readonly failures = new Map<string, number[]>();
  private lastCleanup = 0;

  constructor(
    readonly id: string,
    node?: Node,
  ) {
    this.setNode(node);
  }

  /** Replaces the node object (or forgets it), keeping the tasks counted on it. */
  setNode(node: Node | undefined): void {
    this.node = node;
    this.schedulable =
      node !== undefined &&
      node.Status.State === 'ready' &&
      (node.Spec.Availability ?? 'active') === 'active';
    this.executor = node?.Description?.Engine?.Labels?.['executor'];
    const resources = node?.Description?.Resources;
    this.totalNanoCpus = resources?.NanoCPUs ?? 0;
    this.totalMemoryBytes = resources?.MemoryBytes ?? 0;
    this.totalGeneric = genericByKind(resources?.GenericResources);
  }

  /** CPU left for reservations (may be negative when the node shrank). */
  get availableNanoCpus(): number {
    return this.totalNanoCpus - this.reservedNanoCpus;
  }

  /** Memory left for reservations (may be negative when the node shrank). */
  get availableMemoryBytes(): number {
    return this.totalMemoryBytes - this.reservedMemoryBytes;
  }

  /** Units of a generic resource kind left. */
  availableGeneric(kind: string): number {
    return (this.totalGeneric?.get(kind) ?? 0) - (this.reservedGeneric.get(kind) ?? 0);
  }

  /** Active tasks of `serviceId` here. */
  serviceCount(serviceId: string): number {
    return this.activeByService.get(serviceId) ?? 0;
  }

  /** Counts task `id` here with `usage`, replacing what it was counted with before. */
  addTask(id: string, usage: TaskUsage): void {
    this.removeTask(id);
    this.tasks.set(id, usage);
    this.account(usage, 1);
  }

  /** Stops counting task `id`; returns whether it was counted. */
  removeTask(id: string): boolean {
    const usage = this.tasks.get(id);
    if (!usage) return false;
    this.tasks.delete(id);
    this.account(usage, -1);
    return true;
  }

  /** Records a failure of a task of service version `key` at `now` (milliseconds). */
  recordFailure(key: string, now: number): void {
    if (now - this.lastCleanup >= FAILURE_WINDOW_MS) {
      for (const [k, times] of this.failures) {
        if (times.every((t) => now - t > FAILURE_WINDOW_MS)) this.failures.delete(k);
      }
      this.lastCleanup = now;
    }
    const kept = (this.failures.get(key) ?? []).filter((t) => now - t <= FAILURE_WINDOW_MS);
    kept.push(now);
    this.failures.set(key, kept);
  }

  /** Failures of service version `key` within the window before `now`. */
  recentFailures(key: string, now: number): number {
    const times = this.failures.get(key);
    if (!times) return 0;
    let count = 0;
    for (const t of times) if (now - t <= FAILURE_WINDOW_MS) count++;
    return count;
  }

  private account(usage: TaskUsage, sign: 1 | -1): void {
    if (usage.active) {
      this.activeTasks += sign;
      const count = this.serviceCount(usage.serviceId) + sign;
      if (count === 0) this.activeByService.delete(usage.serviceId);
      else this.activeByService.set(usage.serviceId, count);
    }
    this.reservedNanoCpus += sign * usage.nanoCpus;
    this.reservedMemoryBytes += sign * usage.memoryBytes;
    if (usage.generic) {
      for (const [kind, units] of usage.generic) {
        this.reservedGeneric.set(kind, (this.reservedGeneric.get(kind) ?? 0) + sign * units);
      }
    }
    for (const port of usage.hostPorts) {
      const count = (this.hostPorts.get(port) ?? 0) + sign;
      if (count <= 0) this.hostPorts.delete(port);
      else this.hostPorts.set(port, count);
    }
  }
}
