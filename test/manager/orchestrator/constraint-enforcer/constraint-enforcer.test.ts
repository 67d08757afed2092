import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConstraintEnforcer } from '../../../../src/manager/orchestrator/constraint-enforcer/constraint-enforcer.ts';
import { nodes, services, tasks } from '../../../../src/store/tables.ts';
import { aNode, aService, aTask, settle, testStore } from '../fixtures.ts';

test('a label change rejects the tasks that no longer fit their node', async () => {
  const { store, clock } = testStore();
  const enforcer = new ConstraintEnforcer(store, { clock });
  const s = aService('s', { task: { Placement: { Constraints: ['node.labels.tier==web'] } } });
  await store.update((tx) => {
    tx.create(nodes, aNode('n1', { labels: { tier: 'web' } }));
    tx.create(services, s);
    tx.create(tasks, aTask('t', s, { NodeID: 'n1' }));
  });
  enforcer.start();
  await settle(enforcer);
  assert.equal(store.get(tasks, 't')?.Status.State, 'running');
  const node = store.get(nodes, 'n1')!;
  await store.update((tx) => {
    tx.update(nodes, { ...node, Spec: { ...node.Spec, Labels: { tier: 'db' } } });
  });
  await settle(enforcer);
  const task = store.get(tasks, 't')!;
  assert.equal(task.Status.State, 'rejected');
  assert.equal(task.Status.Err, 'assigned node no longer meets constraints');
  await enforcer.stop();
});
