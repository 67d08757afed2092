import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decidedTask } from '../../../src/manager/scheduler/decision.ts';
import { FAILURE_WINDOW_MS, NodeInfo } from '../../../src/manager/scheduler/node-info.ts';
import { taskUsage } from '../../../src/manager/scheduler/task-usage.ts';
import { aNode, aTask } from './fixtures.ts';

describe('NodeInfo', () => {
  test('counts active tasks per service and in total, reservations and host ports', () => {
    const info = new NodeInfo('n1', aNode('n1', { cpus: 4e9, memory: 4e9 }));
    info.addTask('a', taskUsage(aTask('a', { cpus: 1e9, memory: 1e9, hostPorts: [80] })));
    info.addTask('b', taskUsage(aTask('b', { service: 'other', desired: 'shutdown', cpus: 1e9 })));
    assert.equal(info.activeTasks, 1);
    assert.equal(info.serviceCount('svc'), 1);
    assert.equal(info.serviceCount('other'), 0);
    assert.equal(info.availableNanoCpus, 2e9);
    assert.equal(info.availableMemoryBytes, 3e9);
    assert.deepEqual([...info.hostPorts.keys()], ['tcp/80']);
    // Re-adding replaces what the task was counted with.
    info.addTask(
      'a',
      taskUsage(aTask('a', { desired: 'remove', cpus: 1e9, memory: 1e9, hostPorts: [80] })),
    );
    assert.equal(info.activeTasks, 0);
    assert.equal(info.availableNanoCpus, 2e9);
    assert.equal(info.removeTask('a'), true);
    assert.equal(info.removeTask('a'), false);
    assert.equal(info.hostPorts.size, 0);
    assert.equal(info.availableNanoCpus, 3e9);
  });

  test('readiness follows the node: ready and active, or nothing', () => {
    const info = new NodeInfo('n1');
    assert.equal(info.schedulable, false);
    info.setNode(aNode('n1'));
    assert.equal(info.schedulable, true);
    assert.equal(info.executor, 'process');
    info.setNode(aNode('n1', { availability: 'pause' }));
    assert.equal(info.schedulable, false);
  });

  test('failures count within the five-minute window, per service version', () => {
    const info = new NodeInfo('n1', aNode('n1'));
    info.recordFailure('svc@1', 0);
    info.recordFailure('svc@1', 1000);
    info.recordFailure('svc@2', 1000);
    assert.equal(info.recentFailures('svc@1', 1000), 2);
    assert.equal(info.recentFailures('svc@1', FAILURE_WINDOW_MS), 2);
    assert.equal(info.recentFailures('svc@1', FAILURE_WINDOW_MS + 1), 1);
    assert.equal(info.recentFailures('svc@1', FAILURE_WINDOW_MS + 1001), 0);
    assert.equal(info.recentFailures('other@1', 0), 0);
    info.recordFailure('svc@1', 3 * FAILURE_WINDOW_MS);
    assert.equal(info.recentFailures('svc@1', 3 * FAILURE_WINDOW_MS), 1);
    assert.equal(info.recentFailures('svc@2', 3 * FAILURE_WINDOW_MS), 0);
  });
});

describe('decidedTask', () => {
  const at = '2024-01-01T00:00:05.000Z';

  test('assign sets the node and a fresh status', () => {
    const task = aTask('t1', { err: 'no suitable node' });
    const written = decidedTask(task, { kind: 'assign', task, nodeId: 'n1', message: 'm' }, at);
    assert.equal(written.NodeID, 'n1');
    assert.deepEqual(written.Status, { State: 'assigned', Message: 'm', Timestamp: at });
  });

  test('pending keeps state and message and sets the reason', () => {
    const task = aTask('t1');
    const written = decidedTask(task, { kind: 'pending', task, err: 'no suitable node' }, at);
    assert.deepEqual(written.Status, {
      State: 'pending',
      Message: 'pending task scheduling',
      Err: 'no suitable node',
      Timestamp: at,
    });
  });

  test('shutdown clears the reason', () => {
    const task = aTask('t1', { err: 'no suitable node', desired: 'shutdown' });
    const written = decidedTask(task, { kind: 'shutdown', task }, at);
    assert.deepEqual(written.Status, {
      State: 'shutdown',
      Message: 'pending task scheduling',
      Timestamp: at,
    });
  });
});
