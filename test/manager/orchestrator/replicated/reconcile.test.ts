import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECOND } from '../../../../src/api/defaults.ts';
import type { Task } from '../../../../src/api/objects/task.ts';
import {
  planReplicated,
  slotsToKeep,
} from '../../../../src/manager/orchestrator/replicated/reconcile.ts';
import { tasksBySlot } from '../../../../src/manager/orchestrator/slots-of.ts';
import { aNode, aService, aTask, at, desiredOf, planInput, T0 } from '../fixtures.ts';

const replicated = (replicas: number, task = {}) =>
  aService('s', {
    mode: { Replicated: { Replicas: replicas } },
    task: { ContainerSpec: { Image: 'x' }, ...task },
  });

test('a new service gets slots 1..N, new and desired running', () => {
  const writes = planReplicated(planInput(replicated(3), []));
  assert.deepEqual(
    writes.creates.map((t) => [t.Slot, t.Status.State, t.DesiredState]),
    [
      [1, 'new', 'running'],
      [2, 'new', 'running'],
      [3, 'new', 'running'],
    ],
  );
  assert.deepEqual(writes.desired, []);
});

test('scale up reuses free slot numbers; converged services get no writes', () => {
  const s = replicated(3);
  const tasks = [
    aTask('a', s, { Slot: 1, NodeID: 'n1' }),
    aTask('c', s, { Slot: 3, NodeID: 'n2' }),
  ];
  const writes = planReplicated(planInput(s, tasks));
  assert.deepEqual(
    writes.creates.map((t) => t.Slot),
    [2],
  );
  const full = [...tasks, aTask('b', s, { Slot: 2, NodeID: 'n1' })];
  assert.deepEqual(planReplicated(planInput(s, full)), { creates: [], desired: [] });
});

test('scale down removes the busiest node first, then non-running, then the highest slots', () => {
  const s = replicated(2);
  const tasks = [
    aTask('a', s, { Slot: 1, NodeID: 'n1' }),
    aTask('b', s, { Slot: 2, NodeID: 'n1' }),
    aTask('c', s, { Slot: 3, NodeID: 'n2' }),
    aTask('d', s, { Slot: 4, NodeID: 'n2', state: 'starting' }),
  ];
  assert.deepEqual(desiredOf(planReplicated(planInput(s, tasks))), ['b→remove', 'd→remove']);
  const one = replicated(1);
  const spread = [
    aTask('a', one, { Slot: 1, NodeID: 'n1' }),
    aTask('c', one, { Slot: 2, NodeID: 'n2' }),
  ];
  assert.deepEqual(desiredOf(planReplicated(planInput(one, spread))), ['c→remove']);
});

test('scale down drops unassigned slots before placed ones', () => {
  const live = new Map<number, Task[]>([
    [1, [aTask('p', replicated(1), { Slot: 1, state: 'pending' })]],
    [2, [aTask('r', replicated(1), { Slot: 2, NodeID: 'n1' })]],
  ]);
  assert.deepEqual([...slotsToKeep(live, 1)], [2]);
});

test('a task that ended is shut down and replaced in its slot, desired ready', () => {
  const s = replicated(1);
  const writes = planReplicated(planInput(s, [aTask('a', s, { NodeID: 'n1', state: 'failed' })]));
  assert.deepEqual(desiredOf(writes), ['a→shutdown']);
  assert.deepEqual(
    writes.creates.map((t) => [t.Slot, t.DesiredState, t.NodeID]),
    [[1, 'ready', undefined]],
  );
});

test('tasks on a down or drained node are restarted elsewhere; a paused node keeps them', () => {
  const s = replicated(3);
  const tasks = [
    aTask('a', s, { Slot: 1, NodeID: 'down' }),
    aTask('b', s, { Slot: 2, NodeID: 'drained' }),
    aTask('c', s, { Slot: 3, NodeID: 'paused' }),
  ];
  const nodes = [
    aNode('down', { state: 'down' }),
    aNode('drained', { availability: 'drain' }),
    aNode('paused', { availability: 'pause' }),
  ];
  const writes = planReplicated(planInput(s, tasks, nodes));
  assert.deepEqual(desiredOf(writes), ['a→shutdown', 'b→shutdown']);
  assert.deepEqual(writes.creates.map((t) => t.Slot).sort(), [1, 2]);
});

test('a held replacement starts after the restart delay once the old task stopped', () => {
  const s = replicated(1);
  const old = aTask('old', s, {
    NodeID: 'n1',
    state: 'failed',
    DesiredState: 'shutdown',
    createdAt: at(0),
  });
  const fresh = aTask('new', s, { state: 'pending', DesiredState: 'ready', createdAt: at(1000) });
  const early = planReplicated(planInput(s, [old, fresh], undefined, T0 + 3000));
  assert.deepEqual(early.desired, []);
  assert.equal(early.wakeAt, T0 + 6000);
  assert.deepEqual(desiredOf(planReplicated(planInput(s, [old, fresh], undefined, T0 + 6000))), [
    'new→running',
  ]);
});

test('a replacement waits up to a minute for the old task, unless its node is down', () => {
  const s = replicated(1);
  const old = aTask('old', s, {
    NodeID: 'n1',
    state: 'running',
    DesiredState: 'shutdown',
    createdAt: at(0),
  });
  const fresh = aTask('new', s, { state: 'pending', DesiredState: 'ready', createdAt: at(0) });
  const waiting = planReplicated(planInput(s, [old, fresh], undefined, T0 + 6000));
  assert.deepEqual(waiting.desired, []);
  assert.equal(waiting.wakeAt, T0 + 65_000);
  assert.deepEqual(desiredOf(planReplicated(planInput(s, [old, fresh], undefined, T0 + 65_000))), [
    'new→running',
  ]);
  const down = [aNode('n1', { state: 'down' })];
  assert.deepEqual(desiredOf(planReplicated(planInput(s, [old, fresh], down, T0 + 5000))), [
    'new→running',
  ]);
});

test('no restart delay when the old task was on a drained node', () => {
  const s = replicated(1);
  const old = aTask('old', s, {
    NodeID: 'n1',
    state: 'shutdown',
    DesiredState: 'shutdown',
    createdAt: at(0),
  });
  const fresh = aTask('new', s, { state: 'pending', DesiredState: 'ready', createdAt: at(0) });
  const nodes = [aNode('n1', { availability: 'drain' })];
  assert.deepEqual(desiredOf(planReplicated(planInput(s, [old, fresh], nodes, T0))), [
    'new→running',
  ]);
});

test('restart condition none and on-failure; a slot the policy stopped is not refilled until the spec changes', () => {
  const none = replicated(1, { RestartPolicy: { Condition: 'none' } });
  const failed = aTask('a', none, { NodeID: 'n1', state: 'failed' });
  const writes = planReplicated(planInput(none, [failed]));
  assert.deepEqual([desiredOf(writes), writes.creates.length], [['a→shutdown'], 0]);
  const stopped = { ...failed, DesiredState: 'shutdown' as const };
  assert.equal(planReplicated(planInput(none, [stopped])).creates.length, 0);
  const updated = { ...none, SpecVersion: { Index: 2 } };
  assert.deepEqual(
    planReplicated(planInput(updated, [stopped])).creates.map((t) => t.Slot),
    [1],
  );
  const onFailure = replicated(1, { RestartPolicy: { Condition: 'on-failure' } });
  const done = aTask('d', onFailure, { NodeID: 'n1', state: 'complete' });
  assert.equal(planReplicated(planInput(onFailure, [done])).creates.length, 0);
  const crashed = aTask('c', onFailure, { NodeID: 'n1', state: 'failed' });
  assert.equal(planReplicated(planInput(onFailure, [crashed])).creates.length, 1);
});

test('max attempts counts restarts of the slot under the current spec, within the window', () => {
  const s = replicated(1, { RestartPolicy: { MaxAttempts: 2, Window: 60 * SECOND } });
  const dead = (id: string, ms: number, desired: Task['DesiredState'] = 'shutdown') =>
    aTask(id, s, { NodeID: 'n1', state: 'failed', DesiredState: desired, createdAt: at(ms) });
  const history = [dead('t0', 0), dead('t1', 10_000), dead('t2', 20_000, 'running')];
  assert.equal(planReplicated(planInput(s, history, undefined, T0 + 30_000)).creates.length, 0);
  // Later, the first restart falls out of the window: one more attempt is allowed.
  assert.equal(planReplicated(planInput(s, history, undefined, T0 + 70_001)).creates.length, 1);
});

test('a service being deleted gets every live task desired remove', () => {
  const s = { ...replicated(2), PendingDelete: true };
  const tasks = [aTask('a', s, { Slot: 1 }), aTask('b', s, { Slot: 2, DesiredState: 'shutdown' })];
  const writes = planReplicated(planInput(s, tasks));
  assert.deepEqual([desiredOf(writes), writes.creates.length], [['a→remove'], 0]);
  assert.equal(tasksBySlot(tasks).size, 2);
});
