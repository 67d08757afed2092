import type { Task } from '../../../src/api/objects/task.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import { tasks } from '../../../src/store/tables.ts';

/** A stored task of service `svc` on `nodeId` (assigned, desired running unless overridden). */
export function storedTask(
  id: string,
  nodeId: string | undefined,
  extra: Partial<Task> = {},
): Task {
  const at = new Date(0).toISOString();
  return {
    id,
    meta: { version: 0, createdAt: at, updatedAt: at },
    Spec: { ContainerSpec: { Image: 'busybox' } },
    ServiceID: 'svc',
    ServiceAnnotations: { Name: 'web' },
    Slot: 1,
    ...(nodeId === undefined ? {} : { NodeID: nodeId }),
    Status: { State: 'assigned', Message: 'scheduler assigned task to node' },
    DesiredState: 'running',
    ...extra,
  };
}

/** Creates tasks in the store. */
export async function createTasks(store: MemoryStore, ...created: Task[]): Promise<void> {
  await store.update((tx) => {
    for (const task of created) tx.create(tasks, task);
  });
}

/** Applies `change` to the stored task `id`. */
export async function changeTask(
  store: MemoryStore,
  id: string,
  change: (task: Task) => Task,
): Promise<void> {
  await store.update((tx) => {
    const task = tx.get(tasks, id);
    if (!task) throw new Error(`no task ${id}`);
    tx.update(tasks, change(task));
  });
}

/** Lets promise chains and store watchers run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
