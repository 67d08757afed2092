import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Node } from '../../../src/api/objects/node.ts';
import type { Task } from '../../../src/api/objects/task.ts';
import { SchedulerCore } from '../../../src/manager/scheduler/scheduler-core.ts';
import { aNode, aTask, servicesAt } from './fixtures.ts';

const arbNode = fc.record({
  cpus: fc.integer({ min: 0, max: 4 }),
  memoryGiB: fc.integer({ min: 0, max: 4 }),
  ready: fc.boolean(),
  availability: fc.constantFrom('active', 'active', 'active', 'pause', 'drain'),
  zone: fc.constantFrom('a', 'b', undefined),
});

const arbService = fc.record({
  replicas: fc.integer({ min: 0, max: 12 }),
  cpus: fc.integer({ min: 0, max: 2 }),
  memoryGiB: fc.integer({ min: 0, max: 2 }),
  maxReplicas: fc.constantFrom(0, 0, 1, 2),
  spread: fc.boolean(),
  zone: fc.constantFrom('a', undefined),
});

type NodeCase = typeof arbNode extends fc.Arbitrary<infer T> ? T : never;
type ServiceCase = typeof arbService extends fc.Arbitrary<infer T> ? T : never;

function nodeOf(spec: NodeCase, i: number): Node {
  return aNode(`n${i}`, {
    cpus: spec.cpus * 1e9,
    memory: spec.memoryGiB * 2 ** 30,
    state: spec.ready ? 'ready' : 'down',
    availability: spec.availability,
    ...(spec.zone ? { labels: { zone: spec.zone } } : {}),
  });
}

function tasksOf(spec: ServiceCase, s: number): Task[] {
  const placement = {
    ...(spec.maxReplicas > 0 ? { MaxReplicas: spec.maxReplicas } : {}),
    ...(spec.spread ? { Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }] } : {}),
    ...(spec.zone ? { Constraints: [`node.labels.zone==${spec.zone}`] } : {}),
  };
  return Array.from({ length: spec.replicas }, (_, r) =>
    aTask(`s${s}-t${r}`, {
      service: `s${s}`,
      slot: r + 1,
      cpus: spec.cpus * 1e9,
      memory: spec.memoryGiB * 2 ** 30,
      placement,
    }),
  );
}

test('placements respect capacity, max replicas and filters; every task left has a reason', () => {
  fc.assert(
    fc.property(
      fc.array(arbNode, { minLength: 0, maxLength: 8 }),
      fc.array(arbService, { minLength: 1, maxLength: 4 }),
      (nodeSpecs, serviceSpecs) => {
        const core = new SchedulerCore();
        const nodes = nodeSpecs.map(nodeOf);
        for (const node of nodes) core.setNode(node);
        const tasks = serviceSpecs.flatMap(tasksOf);
        for (const task of tasks) core.setTask(task, 0);
        const decisions = core.schedule(0, servicesAt());
        const decided = new Set(decisions.map((d) => d.task.id));
        assert.equal(decided.size, decisions.length, 'one decision per task');
        for (const node of nodes) {
          const info = core.nodeInfo(node.id)!;
          assert.ok(info.availableNanoCpus >= 0, `${node.id} CPU over capacity`);
          assert.ok(info.availableMemoryBytes >= 0, `${node.id} memory over capacity`);
        }
        serviceSpecs.forEach((spec, s) => {
          if (spec.maxReplicas === 0) return;
          for (const node of nodes) {
            assert.ok(
              core.nodeInfo(node.id)!.serviceCount(`s${s}`) <= spec.maxReplicas,
              'max replicas',
            );
          }
        });
        for (const decision of decisions) {
          if (decision.kind === 'assign') {
            const node = nodes.find((n) => n.id === decision.nodeId)!;
            assert.equal(node.Status.State, 'ready');
            assert.equal(node.Spec.Availability, 'active');
            const zone = decision.task.Spec.Placement?.Constraints?.[0]?.split('==')[1];
            if (zone) assert.equal(node.Spec.Labels?.['zone'], zone);
          } else {
            assert.equal(decision.kind, 'pending');
            assert.match(decision.err, /^no suitable node( \(.+\))?$/);
          }
        }
        assert.equal(decisions.length, tasks.length, 'every task placed or given a reason');
        assert.equal(core.queued, decisions.filter((d) => d.kind === 'pending').length);
      },
    ),
    { numRuns: 300 },
  );
});

test('a task that fits somewhere is never left pending when nothing else competes', () => {
  fc.assert(
    fc.property(
      fc.array(arbNode, { minLength: 1, maxLength: 8 }),
      arbService,
      (nodeSpecs, spec) => {
        const core = new SchedulerCore();
        const nodes = nodeSpecs.map(nodeOf);
        for (const node of nodes) core.setNode(node);
        const [task] = tasksOf({ ...spec, replicas: 1 }, 0);
        core.setTask(task!, 0);
        const [decision] = core.schedule(0, servicesAt());
        const fits = nodes.some(
          (n) =>
            n.Status.State === 'ready' &&
            n.Spec.Availability === 'active' &&
            (n.Description?.Resources?.NanoCPUs ?? 0) >= spec.cpus * 1e9 &&
            (n.Description?.Resources?.MemoryBytes ?? 0) >= spec.memoryGiB * 2 ** 30 &&
            (!spec.zone || n.Spec.Labels?.['zone'] === spec.zone),
        );
        assert.equal(decision?.kind, fits ? 'assign' : 'pending');
      },
    ),
    { numRuns: 300 },
  );
});
