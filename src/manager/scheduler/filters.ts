import type { Platform } from '../../api/objects/common.ts';
import type { Task } from '../../api/objects/task.ts';
import type { NodePredicate } from './node-constraints.ts';
import { compileConstraints } from './node-constraints.ts';
import type { NodeInfo } from './node-info.ts';
import type { TaskUsage } from './task-usage.ts';
import { NO_USAGE } from './task-usage.ts';

/**
 * One test a node must pass to take a task (swarmkit's `Filter`). `setTask` prepares the
 * filter for a task and says whether it applies at all; `check` is then called per node.
 * `dynamic` filters depend on what is already placed on the node (resources, ports,
 * replicas) and must be re-checked after every placement; the others depend only on the
 * node object and the task spec.
 */
export interface Filter {
  readonly dynamic: boolean;
  setTask(task: Task, usage: TaskUsage): boolean;
  check(node: NodeInfo): boolean;
  /** Why `nodes` nodes failed, in Swarm's words. */
  explain(nodes: number): string;
}

/**
 * Whether a node whose engine advertises `executor` (its `executor` engine label, absent on
 * nodes that do not say) can run `task`. The hook the executor filter asks.
 */
export type ExecutorPolicy = (executor: string | undefined, task: Task) => boolean;

/** Every executor runs every task, for now (both executors run containers' commands). */
export const anyExecutor: ExecutorPolicy = () => true;

function onNodes(nodes: number, text: string): string {
  return `${text} on ${nodes} node${nodes === 1 ? '' : 's'}`;
}

/** Node `ready` and availability `active`. */
export class ReadyFilter implements Filter {
  readonly dynamic = false;
  setTask(): boolean {
    return true;
  }
  check(node: NodeInfo): boolean {
    return node.schedulable;
  }
  explain(nodes: number): string {
    return nodes === 1
      ? '1 node not available for new tasks'
      : `${nodes} nodes not available for new tasks`;
  }
}

/** Reservations (CPU, memory, generic resources) fit in what the node has left. */
export class ResourceFilter implements Filter {
  readonly dynamic = true;
  private usage: TaskUsage = NO_USAGE;
  setTask(_task: Task, usage: TaskUsage): boolean {
    this.usage = usage;
    return usage.nanoCpus > 0 || usage.memoryBytes > 0 || usage.generic !== undefined;
  }
  check(node: NodeInfo): boolean {
    const usage = this.usage;
    if (usage.nanoCpus > node.availableNanoCpus) return false;
    if (usage.memoryBytes > node.availableMemoryBytes) return false;
    if (usage.generic) {
      for (const [kind, units] of usage.generic)
        if (units > node.availableGeneric(kind)) return false;
    }
    return true;
  }
  explain(nodes: number): string {
    return onNodes(nodes, 'insufficient resources');
  }
}

/** Placement constraints hold on the node. Compiled predicates are cached per constraint list. */
export class ConstraintFilter implements Filter {
  readonly dynamic = false;
  private predicate: NodePredicate = () => true;
  private readonly cache = new Map<string, NodePredicate | undefined>();
  setTask(task: Task): boolean {
    const constraints = task.Spec.Placement?.Constraints;
    if (!constraints || constraints.length === 0) return false;
    const key = constraints.join('\n');
    let predicate = this.cache.get(key);
    if (!this.cache.has(key)) {
      if (this.cache.size >= 1024) this.cache.clear();
      predicate = compileConstraints(constraints);
      this.cache.set(key, predicate);
    }
    if (!predicate) return false;
    this.predicate = predicate;
    return true;
  }
  check(node: NodeInfo): boolean {
    return node.node !== undefined && this.predicate(node.node);
  }
  explain(nodes: number): string {
    return onNodes(nodes, 'scheduling constraints not satisfied');
  }
}

function normalArch(arch: string | undefined): string {
  if (arch === 'x86_64') return 'amd64';
  if (arch === 'aarch64') return 'arm64';
  return arch ?? '';
}

/** The node's OS and architecture are among the task's `Placement.Platforms`. */
export class PlatformFilter implements Filter {
  readonly dynamic = false;
  private platforms: readonly Platform[] = [];
  setTask(task: Task): boolean {
    this.platforms = task.Spec.Placement?.Platforms ?? [];
    return this.platforms.length > 0;
  }
  check(node: NodeInfo): boolean {
    const own = node.node?.Description?.Platform;
    if (!own) return false;
    const arch = normalArch(own.Architecture);
    return this.platforms.some(
      (p) => (!p.Architecture || normalArch(p.Architecture) === arch) && (!p.OS || p.OS === own.OS),
    );
  }
  explain(nodes: number): string {
    return onNodes(nodes, 'unsupported platform');
  }
}

/**
 * The node's executor can run the task ({@link ExecutorPolicy}). Disabled when the policy is
 * {@link anyExecutor}, so it costs nothing until executors differ.
 */
export class ExecutorFilter implements Filter {
  readonly dynamic = false;
  private task: Task | undefined;
  constructor(private readonly policy: ExecutorPolicy) {}
  setTask(task: Task): boolean {
    this.task = task;
    return this.policy !== anyExecutor;
  }
  check(node: NodeInfo): boolean {
    return this.task !== undefined && this.policy(node.executor, this.task);
  }
  explain(nodes: number): string {
    return onNodes(nodes, 'unsupported executor');
  }
}

/** None of the task's host-mode published ports is already taken on the node. */
export class HostPortFilter implements Filter {
  readonly dynamic = true;
  private ports: readonly string[] = [];
  setTask(_task: Task, usage: TaskUsage): boolean {
    this.ports = usage.hostPorts;
    return this.ports.length > 0;
  }
  check(node: NodeInfo): boolean {
    return this.ports.every((port) => !node.hostPorts.has(port));
  }
  explain(nodes: number): string {
    return onNodes(nodes, 'host-mode port already in use');
  }
}

/** The node holds fewer active tasks of the service than `Placement.MaxReplicas`. */
export class MaxReplicasFilter implements Filter {
  readonly dynamic = true;
  private serviceId = '';
  private max = 0;
  setTask(task: Task): boolean {
    this.serviceId = task.ServiceID;
    this.max = task.Spec.Placement?.MaxReplicas ?? 0;
    return this.max > 0;
  }
  check(node: NodeInfo): boolean {
    return node.serviceCount(this.serviceId) < this.max;
  }
  explain(): string {
    return 'max replicas per node limit exceed';
  }
}

/**
 * The filters in Swarm's order: readiness first, then resources, constraints, platform, the
 * executor, host ports and max replicas per node. (Swarm's plugin and CSI volume filters have
 * no counterpart yet.)
 */
export function defaultFilters(executorPolicy: ExecutorPolicy = anyExecutor): Filter[] {
  return [
    new ReadyFilter(),
    new ResourceFilter(),
    new ConstraintFilter(),
    new PlatformFilter(),
    new ExecutorFilter(executorPolicy),
    new HostPortFilter(),
    new MaxReplicasFilter(),
  ];
}
