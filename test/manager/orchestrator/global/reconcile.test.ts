import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planGlobal } from '../../../../src/manager/orchestrator/global/reconcile.ts';
import { aNode, aService, aTask, desiredOf, planInput } from '../fixtures.ts';

const globalService = (constraints?: string[]) =>
  aService('g', {
    mode: { Global: {} },
    task: {
      ContainerSpec: { Image: 'x' },
      ...(constraints ? { Placement: { Constraints: constraints } } : {}),
    },
  });

test('one pre-assigned task per eligible node: up, not drained or paused, meeting constraints', () => {
  const nodes = [
    aNode('a'),
    aNode('b', { state: 'unknown' }),
    aNode('down', { state: 'down' }),
    aNode('drained', { availability: 'drain' }),
    aNode('paused', { availability: 'pause' }),
    aNode('manager', { role: 'manager' }),
  ];
  const writes = planGlobal(planInput(globalService(['node.role==worker']), [], nodes));
  assert.deepEqual(writes.creates.map((t) => [t.NodeID, t.Slot, t.DesiredState]).sort(), [
    ['a', 0, 'running'],
    ['b', 0, 'running'],
  ]);
});

test('tasks on down or drained nodes are shut down; on removed or non-matching nodes, removed', () => {
  const g = globalService(['node.labels.zone==east']);
  const east = { zone: 'east' };
  const nodes = [
    aNode('ok', { labels: east }),
    aNode('down', { state: 'down', labels: east }),
    aNode('drained', { availability: 'drain', labels: east }),
    aNode('west', { labels: { zone: 'west' } }),
  ];
  const tasks = ['ok', 'down', 'drained', 'west', 'gone'].map((n) =>
    aTask(`t-${n}`, g, { Slot: 0, NodeID: n }),
  );
  const writes = planGlobal(planInput(g, tasks, nodes));
  assert.deepEqual(desiredOf(writes), [
    't-down→shutdown',
    't-drained→shutdown',
    't-gone→remove',
    't-west→remove',
  ]);
  assert.equal(writes.creates.length, 0);
});

test('a drained node that returns to active gets a new task', () => {
  const g = globalService();
  const old = aTask('old', g, {
    Slot: 0,
    NodeID: 'a',
    state: 'shutdown',
    DesiredState: 'shutdown',
  });
  assert.deepEqual(
    planGlobal(planInput(g, [old], [aNode('a')])).creates.map((t) => t.NodeID),
    ['a'],
  );
});

test('an ended task is restarted on its node; a paused node keeps it waiting', () => {
  const g = globalService();
  const failed = aTask('f', g, { Slot: 0, NodeID: 'a', state: 'failed' });
  const writes = planGlobal(planInput(g, [failed], [aNode('a')]));
  assert.deepEqual(desiredOf(writes), ['f→shutdown']);
  assert.deepEqual(
    writes.creates.map((t) => [t.NodeID, t.DesiredState]),
    [['a', 'ready']],
  );
  const paused = planGlobal(planInput(g, [failed], [aNode('a', { availability: 'pause' })]));
  assert.deepEqual([paused.desired, paused.creates], [[], []]);
});

test('a global job runs once per node per iteration and drops unfinished older iterations', () => {
  const job = aService('j', { mode: { GlobalJob: {} }, jobIteration: 2 });
  const tasks = [
    aTask('done', job, {
      Slot: 0,
      NodeID: 'a',
      state: 'complete',
      DesiredState: 'complete',
      JobIteration: { Index: 2 },
    }),
    aTask('old', job, {
      Slot: 0,
      NodeID: 'b',
      state: 'running',
      DesiredState: 'complete',
      JobIteration: { Index: 1 },
    }),
  ];
  const writes = planGlobal(planInput(job, tasks, [aNode('a'), aNode('b')]));
  assert.deepEqual(desiredOf(writes), ['old→remove']);
  assert.deepEqual(
    writes.creates.map((t) => [t.NodeID, t.DesiredState, t.JobIteration?.Index]),
    [['b', 'complete', 2]],
  );
});

test('a disconnected node keeps its task but gets no new one', () => {
  const g = globalService();
  const nodes = [aNode('a', { state: 'disconnected' }), aNode('b', { state: 'disconnected' })];
  const writes = planGlobal(planInput(g, [aTask('t', g, { Slot: 0, NodeID: 'a' })], nodes));
  assert.deepEqual([writes.desired, writes.creates], [[], []]);
});
