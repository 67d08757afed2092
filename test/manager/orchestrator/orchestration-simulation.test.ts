/**
 * Orchestration simulation: the real store, task allocator, orchestrators, restart
 * supervisor, task reaper and constraint enforcer, with a tiny fake scheduler and fake
 * agents (below) that move tasks through their states, driven round by round on a
 * ManualClock.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSwarmSpec, SECOND } from '../../../src/api/defaults.ts';
import type { Node } from '../../../src/api/objects/node.ts';
import type { Service } from '../../../src/api/objects/service.ts';
import type { ServiceMode } from '../../../src/api/objects/service-spec.ts';
import type { Task, TaskState } from '../../../src/api/objects/task.ts';
import { compareTaskStates } from '../../../src/api/objects/task.ts';
import type { TaskSpec } from '../../../src/api/objects/task-spec.ts';
import { TaskAllocator } from '../../../src/manager/allocator/task-allocator.ts';
import { ConstraintEnforcer } from '../../../src/manager/orchestrator/constraint-enforcer/constraint-enforcer.ts';
import { GlobalOrchestrator } from '../../../src/manager/orchestrator/global/global-orchestrator.ts';
import { JobsOrchestrator } from '../../../src/manager/orchestrator/jobs/jobs-orchestrator.ts';
import { nodeMatchesConstraints } from '../../../src/manager/orchestrator/node-fitness.ts';
import { ReplicatedOrchestrator } from '../../../src/manager/orchestrator/replicated/replicated-orchestrator.ts';
import { TaskReaper } from '../../../src/manager/orchestrator/task-reaper/task-reaper.ts';
import { isoTime } from '../../../src/manager/orchestrator/task-status.ts';
import { clusters, nodes, services, tasks } from '../../../src/store/tables.ts';
import { aNode, NoopUpdater, seededBytes, settle, testStore } from './fixtures.ts';

/** The simulated cluster: store, leader components, fake scheduler and agents. */
class Sim {
  readonly fixture = testStore();
  readonly store = this.fixture.store;
  readonly clock = this.fixture.clock;
  readonly components;
  /** Services whose tasks fail as soon as they would run. */
  readonly crashing = new Set<string>();
  /** Highest number of tasks of a service seen running at once. */
  readonly peakRunning = new Map<string, number>();
  private serial = 0;

  constructor() {
    const deps = { clock: this.clock, randomBytes: seededBytes(11), updater: new NoopUpdater() };
    this.components = [
      new TaskAllocator(this.store, deps),
      new ReplicatedOrchestrator(this.store, deps),
      new GlobalOrchestrator(this.store, deps),
      new JobsOrchestrator(this.store, deps),
      new TaskReaper(this.store, deps),
      new ConstraintEnforcer(this.store, deps),
    ];
  }

  async start(nodeIds: readonly string[], historyLimit?: number): Promise<void> {
    await this.store.update((tx) => {
      for (const id of nodeIds) tx.create(nodes, aNode(id));
      if (historyLimit !== undefined) {
        const spec = defaultSwarmSpec();
        tx.create(clusters, {
          id: 'cluster',
          Spec: { ...spec, Orchestration: { TaskHistoryRetentionLimit: historyLimit } },
          JoinTokens: { Worker: 'w', Manager: 'm' },
        });
      }
    });
    for (const component of this.components) component.start();
    await this.settle();
  }

  async stop(): Promise<void> {
    for (const component of this.components) await component.stop();
    assert.equal(this.store.watcherCount, 0);
  }

  settle(): Promise<void> {
    return settle(...this.components);
  }

  async createService(id: string, mode: ServiceMode, task: TaskSpec = {}): Promise<void> {
    await this.store.update((tx) => {
      tx.create(services, {
        id,
        Spec: {
          Name: id,
          Mode: mode,
          TaskTemplate: { ContainerSpec: { Image: 'busybox' }, ...task },
        },
        SpecVersion: { Index: 1 },
      });
    });
  }

  async updateService(id: string, change: (service: Service) => Service): Promise<void> {
    await this.store.update((tx) => {
      const service = tx.get(services, id)!;
      tx.update(services, change(service));
    });
  }

  async updateNode(id: string, change: (node: Node) => Node): Promise<void> {
    await this.store.update((tx) => {
      tx.update(nodes, change(tx.get(nodes, id)!));
    });
  }

  /** Runs `count` rounds: settle, schedule, agents act, one second passes. */
  async run(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.settle();
      await this.schedule();
      await this.agents();
      this.recordPeaks();
      await this.settle();
      this.clock.advance(1000);
    }
    await this.settle();
  }

  tasksOf(serviceId: string): Task[] {
    return this.store.find(tasks, { index: 'service', value: serviceId });
  }

  running(serviceId: string): Task[] {
    return this.tasksOf(serviceId).filter((t) => t.Status.State === 'running');
  }

  /** The fake scheduler: pending tasks go to the ready, active node with fewest tasks. */
  private async schedule(): Promise<void> {
    const all = this.store.all(nodes);
    const load = (nodeId: string, serviceId: string) => {
      const onNode = this.store
        .find(tasks, { index: 'node', value: nodeId })
        .filter(
          (t) =>
            compareTaskStates(t.Status.State, 'running') <= 0 &&
            compareTaskStates(t.DesiredState, 'complete') <= 0,
        );
      return [onNode.filter((t) => t.ServiceID === serviceId).length, onNode.length] as const;
    };
    for (const task of this.store.find(tasks, { index: 'state', value: 'pending' })) {
      if (compareTaskStates(task.DesiredState, 'complete') > 0) continue;
      const fits = (n: Node) =>
        n.Status.State === 'ready' &&
        n.Spec.Availability === 'active' &&
        nodeMatchesConstraints(n, task.Spec.Placement?.Constraints);
      let nodeId = task.NodeID;
      if (nodeId === undefined) {
        const ranked = all.filter(fits).sort((a, b) => {
          const [sa, ta] = load(a.id, task.ServiceID);
          const [sb, tb] = load(b.id, task.ServiceID);
          return sa - sb || ta - tb || (a.id < b.id ? -1 : 1);
        });
        nodeId = ranked[0]?.id;
      } else {
        const node = all.find((n) => n.id === nodeId);
        if (!node || !fits(node)) nodeId = undefined;
      }
      if (nodeId !== undefined) await this.setState(task.id, 'assigned', nodeId);
    }
  }

  /** Fake agents of ready nodes: one step per task per round, as an executor would report. */
  private async agents(): Promise<void> {
    for (const node of this.store.all(nodes)) {
      if (node.Status.State !== 'ready') continue;
      for (const task of this.store.find(tasks, { index: 'node', value: node.id })) {
        const state = task.Status.State;
        if (compareTaskStates(state, 'assigned') < 0 || compareTaskStates(state, 'running') > 0)
          continue;
        if (compareTaskStates(task.DesiredState, 'shutdown') >= 0) {
          await this.setState(task.id, 'shutdown');
        } else if (state === 'running') {
          if (task.DesiredState === 'complete') await this.setState(task.id, 'complete');
        } else if (task.DesiredState === 'ready') {
          if (compareTaskStates(state, 'ready') < 0) await this.setState(task.id, 'ready');
        } else if (this.crashing.has(task.ServiceID)) {
          await this.setState(task.id, 'failed');
        } else {
          // Straight to running: the states in between are the agent's business.
          await this.setState(task.id, 'running');
        }
      }
    }
  }

  private recordPeaks(): void {
    for (const service of this.store.all(services)) {
      const count = this.running(service.id).length;
      this.peakRunning.set(service.id, Math.max(this.peakRunning.get(service.id) ?? 0, count));
    }
  }

  private async setState(taskId: string, state: TaskState, nodeId?: string): Promise<void> {
    await this.store.update((tx) => {
      const task = tx.get(tasks, taskId);
      if (!task) return;
      tx.update(tasks, {
        ...task,
        ...(nodeId === undefined ? {} : { NodeID: nodeId }),
        Status: {
          State: state,
          Timestamp: isoTime(this.clock.now()),
          Message: `sim ${state} #${++this.serial}`,
        },
      });
    });
  }
}

function liveSlotsRunning(sim: Sim, serviceId: string): number[] {
  return sim
    .running(serviceId)
    .map((t) => t.Slot)
    .sort((a, b) => a - b);
}

test('scale up and down: slots 1..N running, highest slots stop first, removed tasks reaped', async () => {
  const sim = new Sim();
  await sim.start(['n1', 'n2', 'n3']);
  await sim.createService('web', { Replicated: { Replicas: 3 } });
  await sim.run(4);
  assert.deepEqual(liveSlotsRunning(sim, 'web'), [1, 2, 3]);
  assert.deepEqual(new Set(sim.running('web').map((t) => t.NodeID)).size, 3);
  await sim.updateService('web', (s) => ({
    ...s,
    Spec: { ...s.Spec, Mode: { Replicated: { Replicas: 5 } } },
  }));
  await sim.run(4);
  assert.deepEqual(liveSlotsRunning(sim, 'web'), [1, 2, 3, 4, 5]);
  await sim.updateService('web', (s) => ({
    ...s,
    Spec: { ...s.Spec, Mode: { Replicated: { Replicas: 2 } } },
  }));
  await sim.run(4);
  assert.deepEqual(liveSlotsRunning(sim, 'web'), [1, 2]);
  assert.equal(sim.tasksOf('web').length, 2, 'removed tasks are deleted once stopped');
  await sim.stop();
});

test('node down: replicas restored elsewhere, and no duplicates when it returns', async () => {
  const sim = new Sim();
  await sim.start(['n1', 'n2', 'n3']);
  await sim.createService('web', { Replicated: { Replicas: 3 } });
  await sim.run(4);
  const lost = sim.running('web').find((t) => t.NodeID === 'n3')!;
  await sim.updateNode('n3', (n) => ({
    ...n,
    Status: { State: 'down', Message: 'heartbeat failure' },
  }));
  await sim.run(8);
  const restored = sim.running('web').filter((t) => t.NodeID !== 'n3');
  assert.deepEqual(restored.map((t) => t.Slot).sort(), [1, 2, 3]);
  assert.equal(sim.store.get(tasks, lost.id)?.DesiredState, 'shutdown');
  await sim.updateNode('n3', (n) => ({ ...n, Status: { State: 'ready' } }));
  await sim.run(3);
  assert.deepEqual(liveSlotsRunning(sim, 'web'), [1, 2, 3]);
  assert.equal(sim.store.get(tasks, lost.id)?.Status.State, 'shutdown');
  await sim.stop();
});

test('drain moves tasks off the node without the restart delay; active does not move them back', async () => {
  const sim = new Sim();
  await sim.start(['n1', 'n2']);
  await sim.createService('web', { Replicated: { Replicas: 2 } });
  await sim.run(3);
  await sim.updateNode('n2', (n) => ({ ...n, Spec: { ...n.Spec, Availability: 'drain' } }));
  await sim.run(4);
  assert.deepEqual(
    sim.running('web').map((t) => t.NodeID),
    ['n1', 'n1'],
  );
  assert.deepEqual(liveSlotsRunning(sim, 'web'), [1, 2]);
  await sim.updateNode('n2', (n) => ({ ...n, Spec: { ...n.Spec, Availability: 'active' } }));
  await sim.run(3);
  assert.deepEqual(
    sim.running('web').map((t) => t.NodeID),
    ['n1', 'n1'],
  );
  await sim.stop();
});

test('global services follow joins, drains, label and constraint changes, and removals', async () => {
  const sim = new Sim();
  await sim.start(['n1', 'n2']);
  await sim.createService(
    'agent',
    { Global: {} },
    { Placement: { Constraints: ['node.labels.skip!=yes'] } },
  );
  await sim.run(3);
  const nodesOf = () =>
    sim
      .running('agent')
      .map((t) => t.NodeID)
      .sort();
  assert.deepEqual(nodesOf(), ['n1', 'n2']);
  await sim.store.update((tx) => {
    tx.create(nodes, aNode('n3'));
  });
  await sim.run(3);
  assert.deepEqual(nodesOf(), ['n1', 'n2', 'n3']);
  await sim.updateNode('n1', (n) => ({ ...n, Spec: { ...n.Spec, Availability: 'drain' } }));
  await sim.updateNode('n2', (n) => ({ ...n, Spec: { ...n.Spec, Labels: { skip: 'yes' } } }));
  await sim.run(3);
  assert.deepEqual(nodesOf(), ['n3']);
  await sim.updateNode('n1', (n) => ({ ...n, Spec: { ...n.Spec, Availability: 'active' } }));
  await sim.run(3);
  assert.deepEqual(nodesOf(), ['n1', 'n3']);
  await sim.store.update((tx) => tx.delete(nodes, 'n3'));
  await sim.run(3);
  // The removed node's task cannot report stopping; it is desired remove.
  const live = sim.tasksOf('agent').filter((t) => t.DesiredState === 'running');
  assert.deepEqual(
    live.map((t) => t.NodeID),
    ['n1'],
  );
  await sim.stop();
});

test('restart policy: a crashing task is restarted MaxAttempts times after the delay, then left', async () => {
  const sim = new Sim();
  await sim.start(['n1']);
  sim.crashing.add('crash');
  await sim.createService(
    'crash',
    { Replicated: { Replicas: 1 } },
    { RestartPolicy: { MaxAttempts: 2, Delay: 2 * SECOND } },
  );
  await sim.run(20);
  const all = sim.tasksOf('crash');
  assert.equal(all.length, 3);
  assert.ok(all.every((t) => t.Status.State === 'failed' && t.DesiredState === 'shutdown'));
  const failedAt = all.map((t) => Date.parse(t.Status.Timestamp!)).sort((a, b) => a - b);
  assert.ok(failedAt[1]! - failedAt[0]! >= 2000, 'a replacement runs only after the restart delay');
  assert.ok(failedAt[2]! - failedAt[1]! >= 2000, 'a replacement runs only after the restart delay');
  await sim.stop();
});

test('jobs: a replicated job completes TotalCompletions, MaxConcurrent at a time; a global job once per node', async () => {
  const sim = new Sim();
  await sim.start(['n1', 'n2']);
  await sim.createService('batch', { ReplicatedJob: { TotalCompletions: 5, MaxConcurrent: 2 } });
  await sim.createService('once', { GlobalJob: {} });
  await sim.run(12);
  const done = sim.tasksOf('batch').filter((t) => t.Status.State === 'complete');
  assert.deepEqual(done.map((t) => t.Slot).sort(), [0, 1, 2, 3, 4]);
  assert.equal(sim.tasksOf('batch').length, 5);
  assert.ok((sim.peakRunning.get('batch') ?? 0) <= 2);
  const once = sim.tasksOf('once');
  assert.deepEqual(once.map((t) => [t.NodeID, t.Status.State]).sort(), [
    ['n1', 'complete'],
    ['n2', 'complete'],
  ]);
  await sim.updateService('batch', (s) => ({ ...s, JobStatus: { JobIteration: { Index: 1 } } }));
  await sim.run(12);
  const second = sim
    .tasksOf('batch')
    .filter((t) => t.JobIteration?.Index === 1 && t.Status.State === 'complete');
  assert.equal(second.length, 5);
  await sim.stop();
});

test('the reaper keeps each slot at the task history limit', async () => {
  const sim = new Sim();
  await sim.start(['n1'], 3);
  sim.crashing.add('flaky');
  await sim.createService(
    'flaky',
    { Replicated: { Replicas: 1 } },
    { RestartPolicy: { Delay: SECOND } },
  );
  await sim.run(25);
  const all = sim.tasksOf('flaky');
  assert.ok(all.length <= 3, `kept ${all.length} tasks`);
  assert.ok(all.length >= 2);
  await sim.stop();
});
