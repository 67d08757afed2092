import type { Node } from '../../../src/api/objects/node.ts';
import type { Service } from '../../../src/api/objects/service.ts';
import type { ServiceMode } from '../../../src/api/objects/service-spec.ts';
import type { Task, TaskState } from '../../../src/api/objects/task.ts';
import type { TaskSpec } from '../../../src/api/objects/task-spec.ts';
import { rngRandomBytes } from '../../../src/api/ids.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables } from '../../../src/store/tables.ts';
import type { ServiceUpdater } from '../../../src/manager/orchestrator/service-updater.ts';
import type { ServicePlanInput } from '../../../src/manager/orchestrator/plan-input.ts';
import type { TaskWrites } from '../../../src/manager/orchestrator/task-writes.ts';

/** 2024-01-01T00:00:00Z, where every test clock starts. */
export const T0 = Date.UTC(2024, 0, 1);

const meta = (version = 1, at = '2024-01-01T00:00:00.000Z') => ({
  version,
  createdAt: at,
  updatedAt: at,
});

/** A stored replicated service (1 replica unless `mode` says otherwise). */
export function aService(
  id: string,
  options: {
    mode?: ServiceMode;
    task?: TaskSpec;
    specVersion?: number;
    jobIteration?: number;
    name?: string;
  } = {},
): Service {
  return {
    id,
    meta: meta(options.specVersion ?? 1),
    Spec: {
      Name: options.name ?? `svc-${id}`,
      Mode: options.mode ?? { Replicated: { Replicas: 1 } },
      TaskTemplate: options.task ?? { ContainerSpec: { Image: 'busybox' } },
    },
    SpecVersion: { Index: options.specVersion ?? 1 },
    ...(options.jobIteration === undefined
      ? {}
      : { JobStatus: { JobIteration: { Index: options.jobIteration } } }),
  };
}

/** A stored ready, active worker node. */
export function aNode(
  id: string,
  options: {
    state?: Node['Status']['State'];
    availability?: 'active' | 'pause' | 'drain';
    labels?: Record<string, string>;
    role?: 'worker' | 'manager';
    cpus?: number;
    memory?: number;
  } = {},
): Node {
  return {
    id,
    meta: meta(),
    Spec: { Availability: options.availability ?? 'active', Labels: options.labels ?? {} },
    Description: {
      Hostname: `host-${id}`,
      Platform: { OS: 'linux', Architecture: 'x86_64' },
      Resources: { NanoCPUs: (options.cpus ?? 4) * 1e9, MemoryBytes: options.memory ?? 8e9 },
    },
    Status: { State: options.state ?? 'ready' },
    Role: options.role ?? 'worker',
    Membership: 'accepted',
  };
}

/** A stored task of `service`; override anything through `fields`. */
export function aTask(
  id: string,
  service: Service,
  fields: Partial<Omit<Task, 'Status'>> & { state?: TaskState; createdAt?: string } = {},
): Task {
  const { state, createdAt, ...rest } = fields;
  return {
    id,
    meta: meta(1, createdAt),
    ServiceID: service.id,
    Slot: 1,
    Spec: service.Spec.TaskTemplate ?? {},
    ServiceAnnotations: { Name: service.Spec.Name ?? '' },
    ...(service.SpecVersion ? { SpecVersion: service.SpecVersion } : {}),
    Status: { State: state ?? 'running', Timestamp: '2024-01-01T00:00:00.000Z' },
    DesiredState: 'running',
    ...rest,
  };
}

/** Seeded random bytes for task IDs. */
export function seededBytes(seed = 7): (length: number) => Uint8Array {
  return rngRandomBytes(new SeededRng(seed));
}

/** A proposer-less cluster store on a ManualClock at {@link T0}. */
export function testStore(): { store: MemoryStore; clock: ManualClock } {
  const clock = new ManualClock(T0);
  return { store: new MemoryStore({ tables: clusterTables }, { clock }), clock };
}

/** A ServiceUpdater that records its calls and does nothing. */
export class NoopUpdater implements ServiceUpdater {
  readonly calls: { serviceId: string; slots: number }[] = [];
  readonly cancelled: string[] = [];
  update(service: Service, slots: readonly (readonly Task[])[]): void {
    this.calls.push({ serviceId: service.id, slots: slots.length });
  }
  cancel(serviceId: string): void {
    this.cancelled.push(serviceId);
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/** A planner input over `tasks` and `nodes` at time `now`. */
export function planInput(
  service: Service,
  tasks: readonly Task[],
  nodes: readonly Node[] = [aNode('n1'), aNode('n2')],
  now = T0,
): ServicePlanInput {
  return {
    service,
    tasks,
    nodes: new Map(nodes.map((n) => [n.id, n] as const)),
    now,
    factory: { clock: { now: () => now }, randomBytes: seededBytes() },
  };
}

/** ISO time of `T0 + ms`. */
export function at(ms: number): string {
  return new Date(T0 + ms).toISOString();
}

/** The desired-state changes of `writes` as `id→state` strings, sorted. */
export function desiredOf(writes: TaskWrites): string[] {
  return writes.desired.map((d) => `${d.taskId}→${d.desiredState}`).sort();
}

/** Lets store events reach the loops and waits until every loop is idle. */
export async function settle(...loops: { idle(): Promise<void> }[]): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(loops.map((loop) => loop.idle()));
  }
}
