import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerSpec } from '../../../src/api/objects/container-spec.ts';
import type { Task, TaskState, TaskStatus } from '../../../src/api/objects/task.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import type { StatusSink } from '../../../src/agent/worker/status-reporter.ts';
import { Worker } from '../../../src/agent/worker/worker.ts';
import { FakeExecutor } from '../../support/fake-executor.ts';

/** A task of service `svc` on node `n1`, assigned, desired running, with `spec`. */
export function aTask(
  id: string,
  extra: Partial<Task> = {},
  spec: Partial<ContainerSpec> = {},
): Task {
  const at = new Date(0).toISOString();
  return {
    id,
    meta: { version: 1, createdAt: at, updatedAt: at },
    Spec: { ContainerSpec: { Image: 'busybox', ...spec } },
    ServiceID: 'svc',
    ServiceAnnotations: { Name: 'web' },
    Slot: 1,
    NodeID: 'n1',
    Status: { State: 'assigned', Message: 'scheduler assigned task to node' },
    DesiredState: 'running',
    ...extra,
  };
}

/** A status sink that records every report. */
export class RecordingSink implements StatusSink {
  readonly reports: { taskId: string; status: TaskStatus }[] = [];

  report(taskId: string, status: TaskStatus): void {
    this.reports.push({ taskId, status });
  }

  /** The states reported for `taskId`, in order. */
  states(taskId: string): TaskState[] {
    return this.reports.filter((r) => r.taskId === taskId).map((r) => r.status.State);
  }

  /** The last status reported for `taskId`. */
  last(taskId: string): TaskStatus | undefined {
    return this.reports.filter((r) => r.taskId === taskId).at(-1)?.status;
  }
}

/** Lets watch loops and promise chains run, then waits for the worker to be idle. */
export async function settle(worker: Worker): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await worker.idle();
  }
}

/** A worker over a fake executor (shared across restarts when given) and a ManualClock. */
export async function aWorker(
  options: { executor?: FakeExecutor; stateDir?: string; clock?: ManualClock } = {},
): Promise<{ worker: Worker; executor: FakeExecutor; sink: RecordingSink; clock: ManualClock }> {
  const executor = options.executor ?? new FakeExecutor();
  const clock = options.clock ?? new ManualClock(Date.UTC(2024, 0, 1));
  const sink = new RecordingSink();
  const worker = new Worker({
    executor,
    clock,
    logger: silentLogger,
    reporter: sink,
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
  });
  await worker.start();
  return { worker, executor, sink, clock };
}

/** A fresh temp dir for a worker's `tasks.json`. */
export function tempStateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'shoal-worker-'));
}
