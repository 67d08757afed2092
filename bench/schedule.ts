// npm run bench:schedule [-- --nodes 1000 --tasks 100000 --services 100 --mode core|shell|live|all]
//
// Scheduling rate with simulated nodes, in one process. `core`: the pure SchedulerCore takes
// in the nodes and the pending tasks and decides for all of them in one pass. `shell`: the
// Scheduler over a proposer-less MemoryStore that already holds the pending tasks, from
// start() until every task is stored `assigned` (load, decide, commit through store.batch).
// `live`: the Scheduler is running while a writer creates the tasks, 1,000 per transaction,
// as an orchestrator would; timed from the first create to the last assignment. One line per
// case; see bench/README.md for recorded figures.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { Node } from '../src/api/objects/node.ts';
import type { Service } from '../src/api/objects/service.ts';
import type { Task } from '../src/api/objects/task.ts';
import type { Placement } from '../src/api/objects/task-spec.ts';
import { SystemClock } from '../src/base/clock.ts';
import { SchedulerCore } from '../src/manager/scheduler/scheduler-core.ts';
import { Scheduler } from '../src/manager/scheduler/scheduler.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import type { NewObject } from '../src/store/store-object.ts';
import { isChangeOf } from '../src/store/store-event.ts';
import { clusterTables, nodes, services, tasks } from '../src/store/tables.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    tasks: { type: 'string', default: '100000' },
    services: { type: 'string', default: '100' },
    mode: { type: 'string', default: 'all' },
  },
});
const nodeCount = Number(values.nodes);
const taskCount = Number(values.tasks);
const serviceCount = Number(values.services);
const modes = values.mode === 'all' ? ['core', 'shell', 'live'] : [values.mode];

const AT = '2024-01-01T00:00:00.000Z';
const META = { version: 1, createdAt: AT, updatedAt: AT };
const ZONES = 4;

function simulatedNode(i: number): NewObject<Node> {
  return {
    id: `node-${String(i).padStart(5, '0')}`,
    Role: i < 3 ? 'manager' : 'worker',
    Membership: 'accepted',
    Spec: { Availability: 'active', Labels: { zone: `z${i % ZONES}` } },
    Description: {
      Hostname: `host-${i}`,
      Platform: { OS: 'linux', Architecture: 'x86_64' },
      Resources: { NanoCPUs: 64e9, MemoryBytes: 256 * 2 ** 30 },
      Engine: { Labels: { executor: 'process' } },
    },
    Status: { State: 'ready', Addr: `10.0.${Math.floor(i / 250)}.${i % 250}` },
  };
}

function maxReplicas(): number {
  const perService = Math.ceil(taskCount / serviceCount);
  return Math.ceil(perService / Math.max(1, nodeCount - 3)) + 1;
}

/** A mix of services: plain, reserving, constrained, spread over zones, max replicas. */
function placementOf(s: number): { placement?: Placement; reserve: boolean } {
  switch (s % 10) {
    case 1:
    case 2:
      return { reserve: true };
    case 3:
      return { placement: { Constraints: ['node.labels.zone!=z0'] }, reserve: false };
    case 4:
      return {
        placement: { Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }] },
        reserve: true,
      };
    case 5:
      return {
        // Room for every replica on the workers, with one to spare per node.
        placement: { MaxReplicas: maxReplicas(), Constraints: ['node.role==worker'] },
        reserve: false,
      };
    default:
      return { reserve: false };
  }
}

function pendingTasks(): NewObject<Task>[] {
  const out: NewObject<Task>[] = [];
  const perService = Math.ceil(taskCount / serviceCount);
  for (let s = 0; s < serviceCount; s++) {
    const { placement, reserve } = placementOf(s);
    const Spec = {
      ContainerSpec: { Image: 'busybox:latest', Command: ['sleep', '3600'] },
      ...(reserve
        ? { Resources: { Reservations: { NanoCPUs: 1e8, MemoryBytes: 64 * 2 ** 20 } } }
        : {}),
      ...(placement ? { Placement: placement } : {}),
    };
    for (let r = 1; r <= perService && out.length < taskCount; r++) {
      out.push({
        id: `task-${s}-${r}`,
        ServiceID: `service-${s}`,
        Slot: r,
        Spec,
        ServiceAnnotations: { Name: `service-${s}` },
        SpecVersion: { Index: 1 },
        Status: { State: 'pending', Message: 'pending task scheduling', Timestamp: AT },
        DesiredState: 'running',
      });
    }
  }
  return out;
}

function serviceObjects(): NewObject<Service>[] {
  return Array.from({ length: serviceCount }, (_, s) => ({
    id: `service-${s}`,
    Spec: { Name: `service-${s}` },
    SpecVersion: { Index: 1 },
  }));
}

/** CPU time of this process so far, in milliseconds (user + system). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * One result line: the rate over wall time, and over this process's CPU time in the same
 * window (on a shared machine the second is the steadier figure).
 */
function line(mode: string, ms: number, cpu: number, extra: string): void {
  const rate = Math.round((taskCount / ms) * 1000);
  const cpuRate = Math.round((taskCount / cpu) * 1000);
  console.log(
    `${mode.padEnd(6)} nodes=${nodeCount} tasks=${taskCount} services=${serviceCount}  ` +
      `tasks/s=${String(rate).padEnd(7)} per-cpu-s=${String(cpuRate).padEnd(7)} ${extra}`,
  );
}

function runCore(): void {
  const core = new SchedulerCore();
  const start = performance.now();
  for (let i = 0; i < nodeCount; i++) core.setNode({ ...simulatedNode(i), meta: META });
  for (const task of pendingTasks()) core.setTask({ ...task, meta: META }, 0);
  const loaded = performance.now();
  const cpu = cpuMs();
  const decisions = core.schedule(0, () => ({ SpecVersion: { Index: 1 } }));
  const done = performance.now();
  const used = cpuMs() - cpu;
  const placed = decisions.filter((d) => d.kind === 'assign').length;
  if (placed !== taskCount) throw new Error(`core placed ${placed} of ${taskCount}`);
  line(
    'core',
    done - loaded,
    used,
    `schedule=${Math.round(done - loaded)}ms load=${Math.round(loaded - start)}ms`,
  );
}

async function seededStore(withTasks: boolean): Promise<MemoryStore> {
  const store = new MemoryStore({ tables: clusterTables });
  await store.batch(async (batch) => {
    for (const service of serviceObjects())
      await batch.update((tx) => void tx.create(services, service));
    for (let i = 0; i < nodeCount; i++)
      await batch.update((tx) => void tx.create(nodes, simulatedNode(i)));
    if (withTasks)
      for (const task of pendingTasks()) await batch.update((tx) => void tx.create(tasks, task));
  });
  return store;
}

/** Resolves with the time the `taskCount`-th task became `assigned`. */
function allAssigned(store: MemoryStore): Promise<number> {
  const subscription = store.watch({ tables: [tasks], kinds: ['updated'], queueLimit: Infinity });
  return (async () => {
    let assigned = 0;
    for await (const event of subscription) {
      if (!isChangeOf(tasks, event) || event.kind !== 'updated') continue;
      if (event.object.Status.State === 'assigned' && event.previous.Status.State === 'pending') {
        if (++assigned === taskCount) break;
      }
    }
    subscription.close();
    return performance.now();
  })();
}

async function runShell(): Promise<void> {
  const store = await seededStore(true);
  const scheduler = new Scheduler(store, { clock: new SystemClock() });
  const done = allAssigned(store);
  const start = performance.now();
  const cpu = cpuMs();
  scheduler.start();
  const end = await done;
  const used = cpuMs() - cpu;
  await scheduler.stop();
  line('shell', end - start, used, `all-assigned=${Math.round(end - start)}ms`);
}

async function runLive(): Promise<void> {
  const store = await seededStore(false);
  const scheduler = new Scheduler(store, { clock: new SystemClock() });
  scheduler.start();
  const done = allAssigned(store);
  const all = pendingTasks();
  const start = performance.now();
  const cpu = cpuMs();
  for (let i = 0; i < all.length; i += 1000) {
    await store.update((tx) => {
      for (const task of all.slice(i, i + 1000)) tx.create(tasks, task);
    });
    // Yield as a real writer would, so the scheduler's watch keeps up.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const created = performance.now();
  const end = await done;
  const used = cpuMs() - cpu;
  await scheduler.stop();
  line(
    'live',
    end - start,
    used,
    `all-assigned=${Math.round(end - start)}ms (creating took ${Math.round(created - start)}ms)`,
  );
}

// SystemClock timers are unref'd (the daemon's servers keep it alive); so must the bench.
const keepAlive = setInterval(() => {}, 1000);
console.log(`# node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown cpu'}`);
for (const mode of modes) {
  if (mode === 'core') runCore();
  else if (mode === 'shell') await runShell();
  else if (mode === 'live') await runLive();
  else throw new Error(`unknown --mode ${mode} (core, shell, live, all)`);
}
clearInterval(keepAlive);
