import type { Service } from '../../../src/api/objects/service.ts';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';
import type { TaskState } from '../../../src/api/objects/task.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import { nodes, services, tasks } from '../../../src/store/tables.ts';

/** A valid replicated spec named `name` running busybox, with `extra` laid over it. */
export function aServiceSpec(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    Name: name,
    TaskTemplate: { ContainerSpec: { Image: 'busybox:1.36', Args: ['sleep', '1000'] } },
    Mode: { Replicated: { Replicas: 2 } },
    ...extra,
  };
}

/** What a seeded task differs in; the rest comes from its service. */
export interface TaskSeed {
  readonly id: string;
  readonly slot?: number;
  readonly nodeId?: string;
  readonly state?: TaskState;
  readonly desired?: TaskState;
  readonly jobIteration?: number;
}

/**
 * Writes tasks of `serviceId` as the orchestrator would make them from the service's current
 * spec (spec, SpecVersion, annotations), with the given slot, node and states.
 */
export async function seedTasks(
  store: MemoryStore,
  serviceId: string,
  seeds: readonly TaskSeed[],
): Promise<void> {
  const service: Service = store.get(services, serviceId)!;
  await store.update((tx) => {
    for (const seed of seeds) {
      tx.create(tasks, {
        id: seed.id,
        ServiceID: service.id,
        Slot: seed.slot ?? 0,
        ...(seed.nodeId === undefined ? {} : { NodeID: seed.nodeId }),
        Spec: service.Spec.TaskTemplate ?? {},
        ServiceAnnotations: {
          Name: service.Spec.Name ?? '',
          Labels: service.Spec.Labels ?? {},
        },
        ...(service.SpecVersion === undefined ? {} : { SpecVersion: service.SpecVersion }),
        ...(seed.jobIteration === undefined ? {} : { JobIteration: { Index: seed.jobIteration } }),
        Status: { State: seed.state ?? 'running', Timestamp: tx.at },
        DesiredState: seed.desired ?? 'running',
      });
    }
  });
}

/** Adds a ready worker node `id` with `hostname` and node labels. */
export async function seedNode(
  store: MemoryStore,
  id: string,
  hostname: string,
  labels: Record<string, string> = {},
): Promise<void> {
  await store.update((tx) => {
    tx.create(nodes, {
      id,
      Spec: { Labels: labels, Role: 'worker', Availability: 'active' },
      Description: { Hostname: hostname, Platform: { OS: 'linux', Architecture: 'x86_64' } },
      Status: { State: 'ready', Addr: '10.0.0.9' },
      Role: 'worker',
      Membership: 'accepted',
    });
  });
}
