import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Task, TaskState } from '../../../../src/api/objects/task.ts';
import { planReplicated } from '../../../../src/manager/orchestrator/replicated/reconcile.ts';
import { isLiveTask } from '../../../../src/manager/orchestrator/slots-of.ts';
import type { TaskWrites } from '../../../../src/manager/orchestrator/task-writes.ts';
import { aNode, aService, aTask, at, planInput, T0 } from '../fixtures.ts';

const STATES: TaskState[] = [
  'new',
  'pending',
  'assigned',
  'running',
  'complete',
  'failed',
  'shutdown',
  'rejected',
];
const NODE_STATES = ['ready', 'down', 'unknown'] as const;
const AVAILABILITIES = ['active', 'drain', 'pause'] as const;

/** The tasks as they read once `writes` are applied. */
function applied(tasks: readonly Task[], writes: TaskWrites): Task[] {
  const desired = new Map(writes.desired.map((d) => [d.taskId, d.desiredState] as const));
  const after = tasks.map((t) => ({ ...t, DesiredState: desired.get(t.id) ?? t.DesiredState }));
  return [
    ...after,
    ...writes.creates.map((t) => ({
      ...t,
      meta: { version: 0, createdAt: at(0), updatedAt: at(0) },
    })),
  ];
}

test('property: with the default restart policy one plan leaves exactly Replicas live slots, never two new tasks in one', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 8 }),
      fc.array(
        fc.record({
          slot: fc.integer({ min: 1, max: 10 }),
          state: fc.constantFrom(...STATES),
          desired: fc.constantFrom<TaskState>('running', 'ready', 'remove'),
          node: fc.constantFrom('n1', 'n2', 'n3', 'gone', undefined),
        }),
        { maxLength: 14 },
      ),
      fc.array(fc.tuple(fc.constantFrom(...NODE_STATES), fc.constantFrom(...AVAILABILITIES)), {
        minLength: 3,
        maxLength: 3,
      }),
      (replicas, specs, nodeFacts) => {
        const service = aService('s', { mode: { Replicated: { Replicas: replicas } } });
        const tasks = specs.map((t, i) =>
          aTask(`t${i}`, service, {
            Slot: t.slot,
            state: t.state,
            DesiredState: t.desired,
            createdAt: at(i),
            ...(t.node === undefined ? {} : { NodeID: t.node }),
          }),
        );
        const nodes = nodeFacts.map(([state, availability], i) =>
          aNode(`n${i + 1}`, { state, availability }),
        );
        const writes = planReplicated(planInput(service, tasks, nodes, T0 + 100));
        const after = applied(tasks, writes);
        assert.equal(new Set(after.filter(isLiveTask).map((t) => t.Slot)).size, replicas);
        // At most one new task per slot, and only in a slot none of whose old tasks stays live.
        const createdSlots = writes.creates.map((t) => t.Slot);
        assert.equal(new Set(createdSlots).size, createdSlots.length);
        const old = after.slice(0, tasks.length);
        const stillLive = new Set(old.filter(isLiveTask).map((t) => t.Slot));
        for (const slot of createdSlots) assert.ok(!stillLive.has(slot), `slot ${slot} doubled`);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});
