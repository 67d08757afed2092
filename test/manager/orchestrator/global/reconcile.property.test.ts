import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Task, TaskState } from '../../../../src/api/objects/task.ts';
import { planGlobal } from '../../../../src/manager/orchestrator/global/reconcile.ts';
import {
  acceptsNewTasks,
  isGlobalEligible,
} from '../../../../src/manager/orchestrator/node-fitness.ts';
import { stoppedByPolicy } from '../../../../src/manager/orchestrator/plan-input.ts';
import { isLiveTask } from '../../../../src/manager/orchestrator/slots-of.ts';
import { aNode, aService, aTask, at, planInput, T0 } from '../fixtures.ts';

const STATES: TaskState[] = ['pending', 'assigned', 'running', 'complete', 'failed', 'shutdown'];
const NODE_IDS = ['n1', 'n2', 'n3', 'n4'];

test('property: one plan leaves every eligible active node one live task and others none', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          node: fc.constantFrom(...NODE_IDS, 'gone'),
          state: fc.constantFrom(...STATES),
          desired: fc.constantFrom<TaskState>('running', 'shutdown', 'remove'),
        }),
        { maxLength: 10 },
      ),
      fc.array(
        fc.record({
          state: fc.constantFrom('ready', 'down', 'unknown', 'disconnected' as const),
          availability: fc.constantFrom('active', 'pause', 'drain' as const),
          zone: fc.constantFrom('a', 'b'),
        }),
        { minLength: 4, maxLength: 4 },
      ),
      (specs, facts) => {
        const service = aService('g', {
          mode: { Global: {} },
          task: { Placement: { Constraints: ['node.labels.zone==a'] } },
        });
        const tasks: Task[] = specs.map((t, i) =>
          aTask(`t${i}`, service, {
            Slot: 0,
            NodeID: t.node,
            state: t.state,
            DesiredState: t.desired,
            createdAt: at(i),
          }),
        );
        const nodes = facts.map((f, i) =>
          aNode(NODE_IDS[i]!, {
            state: f.state,
            availability: f.availability,
            labels: { zone: f.zone },
          }),
        );
        const writes = planGlobal(planInput(service, tasks, nodes, T0 + 100));
        const desired = new Map(writes.desired.map((d) => [d.taskId, d.desiredState] as const));
        const after = [
          ...tasks.map((t) => ({ ...t, DesiredState: desired.get(t.id) ?? t.DesiredState })),
          ...writes.creates.map((t) => ({
            ...t,
            meta: tasks[0]?.meta ?? aTask('x', service).meta,
          })),
        ];
        const created = writes.creates.map((t) => t.NodeID);
        assert.equal(new Set(created).size, created.length, 'two new tasks on one node');
        for (const node of nodes) {
          const live = after.filter((t) => t.NodeID === node.id && isLiveTask(t));
          const drainedOrDown = node.Status.State === 'down' || node.Spec.Availability === 'drain';
          if (drainedOrDown || node.Spec.Labels?.zone !== 'a') assert.equal(live.length, 0);
          const hadHealthy = tasks.some(
            (t) =>
              t.NodeID === node.id &&
              isLiveTask(t) &&
              t.Status.State !== 'failed' &&
              t.Status.State !== 'complete' &&
              t.Status.State !== 'shutdown',
          );
          if (isGlobalEligible(node, service.Spec.TaskTemplate) && acceptsNewTasks(node)) {
            const history = tasks.filter((t) => t.NodeID === node.id);
            const gaveUp = !history.some(isLiveTask) && stoppedByPolicy(history, 1, true);
            assert.ok(live.length >= 1 || gaveUp, `node ${node.id} has no live task`);
            if (!hadHealthy && !gaveUp) assert.equal(live.length, 1);
          }
        }
        assert.equal(after.filter((t) => t.NodeID === 'gone' && isLiveTask(t)).length, 0);
      },
    ),
    { seed: 7, numRuns: 300 },
  );
});
