import type { Node, NodeSpec } from '../../../src/api/objects/node.ts';
import type { Service } from '../../../src/api/objects/service.ts';
import type { Task, TaskState } from '../../../src/api/objects/task.ts';
import type { Placement, TaskSpec } from '../../../src/api/objects/task-spec.ts';
import type { PortConfig } from '../../../src/api/objects/service-spec.ts';
import type { ServiceLookup } from '../../../src/manager/scheduler/decision.ts';

const META = {
  version: 1,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};

/** Options of {@link aNode}. */
export interface NodeOptions {
  readonly state?: Node['Status']['State'];
  readonly availability?: NodeSpec['Availability'];
  readonly role?: Node['Role'];
  readonly labels?: Record<string, string>;
  readonly engineLabels?: Record<string, string>;
  readonly hostname?: string;
  readonly addr?: string;
  readonly os?: string;
  readonly arch?: string;
  readonly cpus?: number;
  readonly memory?: number;
  readonly version?: number;
}

/** A ready, active worker with 4 CPUs and 8 GiB unless told otherwise. */
export function aNode(id: string, options: NodeOptions = {}): Node {
  return {
    id,
    meta: { ...META, version: options.version ?? 1 },
    Role: options.role ?? 'worker',
    Membership: 'accepted',
    Spec: {
      Availability: options.availability ?? 'active',
      ...(options.labels ? { Labels: options.labels } : {}),
    },
    Description: {
      Hostname: options.hostname ?? id,
      Platform: { OS: options.os ?? 'linux', Architecture: options.arch ?? 'x86_64' },
      Resources: { NanoCPUs: options.cpus ?? 4e9, MemoryBytes: options.memory ?? 8 * 2 ** 30 },
      Engine: { Labels: options.engineLabels ?? { executor: 'process' } },
    },
    Status: { State: options.state ?? 'ready', Addr: options.addr ?? '10.0.0.1' },
  };
}

/** Options of {@link aTask}. */
export interface TaskOptions {
  readonly service?: string;
  readonly specVersion?: number;
  readonly state?: TaskState;
  readonly desired?: TaskState;
  readonly node?: string;
  readonly err?: string;
  readonly cpus?: number;
  readonly memory?: number;
  readonly placement?: Placement;
  readonly hostPorts?: readonly number[];
  readonly version?: number;
  readonly slot?: number;
}

/** A pending task of service `svc` (spec version 1), desired running, unless told otherwise. */
export function aTask(id: string, options: TaskOptions = {}): Task {
  const reservations =
    options.cpus !== undefined || options.memory !== undefined
      ? { Reservations: { NanoCPUs: options.cpus ?? 0, MemoryBytes: options.memory ?? 0 } }
      : undefined;
  const spec: TaskSpec = {
    ContainerSpec: { Image: 'busybox' },
    ...(reservations ? { Resources: reservations } : {}),
    ...(options.placement ? { Placement: options.placement } : {}),
  };
  const ports: PortConfig[] = (options.hostPorts ?? []).map((port) => ({
    Protocol: 'tcp',
    TargetPort: 80,
    PublishedPort: port,
    PublishMode: 'host',
  }));
  return {
    id,
    meta: { ...META, version: options.version ?? 1 },
    ServiceID: options.service ?? 'svc',
    Slot: options.slot ?? 1,
    Spec: spec,
    ...(options.node ? { NodeID: options.node } : {}),
    SpecVersion: { Index: options.specVersion ?? 1 },
    ...(ports.length > 0 ? { Endpoint: { Ports: ports } } : {}),
    Status: {
      State: options.state ?? 'pending',
      Message: 'pending task scheduling',
      ...(options.err ? { Err: options.err } : {}),
    },
    DesiredState: options.desired ?? 'running',
  };
}

/** `count` pending tasks `<prefix>1..<prefix>count` with the same options. */
export function someTasks(prefix: string, count: number, options: TaskOptions = {}): Task[] {
  return Array.from({ length: count }, (_, i) =>
    aTask(`${prefix}${i + 1}`, { ...options, slot: i + 1 }),
  );
}

/** A service lookup where every service exists at spec version `versions[id] ?? 1`. */
export function servicesAt(versions: Record<string, number | undefined> = {}): ServiceLookup {
  return (id) =>
    id in versions && versions[id] === undefined
      ? undefined
      : { SpecVersion: { Index: versions[id] ?? 1 } };
}

/** A stored service named `name` at spec version `specVersion`. */
export function aService(id: string, specVersion = 1): Service {
  return { id, meta: META, Spec: { Name: id }, SpecVersion: { Index: specVersion } };
}
