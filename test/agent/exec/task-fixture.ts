import { randomBytes } from 'node:crypto';
import type { ContainerSpec } from '../../../src/api/objects/container-spec.ts';
import type { Task } from '../../../src/api/objects/task.ts';
import type {
  Executor,
  TaskLogEntry,
  TaskRuntimeStatus,
} from '../../../src/agent/exec/executor.ts';

/** Milliseconds as Docker's nanosecond durations. */
export const ms = (value: number): number => value * 1_000_000;

/** A fresh task ID (25 lowercase alphanumerics, as Swarm's). */
export function newTaskId(): string {
  return randomBytes(16).toString('hex').slice(0, 25);
}

/** A task assigned to `nodeId` running `spec`, in slot `slot` of service `service`. */
export function aTask(
  spec: ContainerSpec,
  options: { service?: string; slot?: number; nodeId?: string; id?: string } = {},
): Task {
  const now = new Date(0).toISOString();
  return {
    id: options.id ?? newTaskId(),
    meta: { version: 1, createdAt: now, updatedAt: now },
    Spec: { ContainerSpec: spec },
    ServiceID: 'svc0000000000000000000001',
    ServiceAnnotations: { Name: options.service ?? 'web' },
    Slot: options.slot ?? 1,
    NodeID: options.nodeId ?? 'node00000000000000000000a',
    Status: { State: 'assigned' },
    DesiredState: 'running',
  };
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The text of log entries, joined. */
export function text(entries: readonly TaskLogEntry[]): string {
  return entries.map((e) => Buffer.from(e.data).toString('utf8')).join('');
}

/** Reads `watch` until `predicate` holds; returns every status seen. */
export async function watchUntil(
  statuses: AsyncIterable<TaskRuntimeStatus>,
  predicate: (status: TaskRuntimeStatus) => boolean,
): Promise<TaskRuntimeStatus[]> {
  const seen: TaskRuntimeStatus[] = [];
  for await (const status of statuses) {
    seen.push(status);
    if (predicate(status)) return seen;
  }
  throw new Error(`watch ended before the awaited status; saw ${JSON.stringify(seen)}`);
}

/** Test cleanup: kills whatever the executor still runs (no grace), then closes it. */
export async function disposeExecutor(executor: Executor): Promise<void> {
  for (const id of await executor.list()) await executor.stop(id, 0).catch(() => undefined);
  await executor.close();
}
