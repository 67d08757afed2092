import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PREASSIGNED_MESSAGE } from '../../../src/manager/scheduler/decision.ts';
import { SchedulerCore } from '../../../src/manager/scheduler/scheduler-core.ts';
import { aNode, aTask, servicesAt } from './fixtures.ts';
import { coreWith, errorsOf, placements } from './support.ts';

describe('SchedulerCore: pre-assigned tasks', () => {
  test('a pre-assigned task that fits its node is confirmed there', () => {
    const core = coreWith([aNode('n1'), aNode('n2')], [aTask('g1', { node: 'n2' })]);
    const decisions = core.schedule(0, servicesAt());
    assert.deepEqual(decisions, [
      {
        kind: 'assign',
        task: aTask('g1', { node: 'n2' }),
        nodeId: 'n2',
        message: PREASSIGNED_MESSAGE,
      },
    ]);
    assert.equal(core.nodeInfo('n2')?.serviceCount('svc'), 1);
  });

  test('one that does not fit stays pending with the filter explanation alone', () => {
    const core = coreWith([aNode('n1', { cpus: 1e9 })], [aTask('g1', { node: 'n1', cpus: 2e9 })]);
    assert.deepEqual(
      [...errorsOf(core.schedule(0, servicesAt()))],
      [['g1', 'insufficient resources on 1 node']],
    );
    assert.equal(core.queued, 1);
  });

  test('one whose node is unknown waits for it', () => {
    const core = coreWith([], [aTask('g1', { node: 'n9' })]);
    assert.deepEqual(core.schedule(0, servicesAt()), []);
    assert.equal(core.setNode(aNode('n9')), true);
    assert.deepEqual([...placements(core)], [['g1', 'n9']]);
  });
});

describe('SchedulerCore: tasks nobody wants placed', () => {
  test('a pending task of an older spec desired shutdown goes to shutdown', () => {
    const old = aTask('t1', { desired: 'shutdown', specVersion: 1 });
    const core = coreWith([aNode('n1')], [old]);
    assert.deepEqual(core.schedule(0, servicesAt({ svc: 2 })), [{ kind: 'shutdown', task: old }]);
    assert.equal(core.queued, 0);
  });

  test('a current one desired shutdown is left alone, and never placed', () => {
    const core = coreWith(
      [aNode('n1')],
      [aTask('t1', { desired: 'shutdown' }), aTask('t2', { desired: 'remove' })],
    );
    assert.deepEqual(core.schedule(0, servicesAt()), []);
    assert.equal(core.queued, 0);
  });

  test('an unplaceable task of an older spec, or of a removed service, stops being retried', () => {
    const core = coreWith(
      [aNode('n1', { state: 'down' })],
      [aTask('t1'), aTask('x1', { service: 'gone' })],
    );
    assert.deepEqual(core.schedule(0, servicesAt({ svc: 2, gone: undefined })), []);
    assert.equal(core.queued, 0);
  });
});

describe('SchedulerCore: keeping up with the store', () => {
  test('setTask says when a pass is worth running', () => {
    const core = coreWith([aNode('n1', { cpus: 1e9 })]);
    assert.equal(core.setTask(aTask('r1', { state: 'running', node: 'n1', cpus: 1e9 }), 0), false);
    assert.equal(core.setTask(aTask('t1', { cpus: 1e9 }), 0), true);
    assert.deepEqual([...errorsOf(core.schedule(0, servicesAt()))].length, 1);
    // The scheduler's own Err write coming back changes nothing.
    assert.equal(
      core.setTask(aTask('t1', { cpus: 1e9, err: 'no suitable node', version: 2 }), 0),
      false,
    );
    // A stale version is ignored.
    assert.equal(core.setTask(aTask('t1', { cpus: 1e9, version: 1, desired: 'ready' }), 0), false);
    // The running task finishing frees the CPU the pending one waits for.
    assert.equal(
      core.setTask(aTask('r1', { state: 'complete', node: 'n1', cpus: 1e9, version: 2 }), 0),
      true,
    );
    assert.deepEqual([...placements(core)], [['t1', 'n1']]);
    // Our own assignment coming back is already counted.
    const assigned = { ...aTask('t1', { state: 'assigned', node: 'n1', cpus: 1e9, version: 3 }) };
    assert.equal(core.setTask(assigned, 0), false);
    assert.equal(core.nodeInfo('n1')?.reservedNanoCpus, 1e9);
  });

  test('a task whose desired state drops below complete frees a max-replicas place', () => {
    const placement = { MaxReplicas: 1 };
    const core = coreWith(
      [aNode('n1')],
      [aTask('r1', { state: 'running', node: 'n1', placement }), aTask('t1', { placement })],
    );
    assert.equal(placements(core).size, 0);
    assert.equal(
      core.setTask(
        aTask('r1', { state: 'running', node: 'n1', placement, desired: 'shutdown', version: 2 }),
        0,
      ),
      true,
    );
    assert.deepEqual([...placements(core)], [['t1', 'n1']]);
  });

  test('removing tasks and nodes', () => {
    const core = new SchedulerCore();
    core.setNode(aNode('n1'));
    core.setTask(aTask('r1', { state: 'running', node: 'n1', cpus: 1e9 }), 0);
    assert.equal(core.removeTask('r1'), false);
    assert.equal(core.nodeInfo('n1')?.reservedNanoCpus, 0);
    core.setTask(aTask('r2', { state: 'running', node: 'n1', cpus: 1e9 }), 0);
    core.removeNode('n1');
    assert.equal(core.nodeInfo('n1')?.node, undefined);
    assert.equal(core.nodeInfo('n1')?.reservedNanoCpus, 1e9);
    core.setTask(aTask('t1'), 0);
    assert.deepEqual([...errorsOf(core.schedule(0, servicesAt()))], [['t1', 'no suitable node']]);
    core.setNode(aNode('n1'));
    assert.equal(core.nodeInfo('n1')?.reservedNanoCpus, 1e9);
    core.removeTask('r2');
    core.removeNode('n1');
    assert.equal(core.nodeInfo('n1'), undefined);
  });
});
