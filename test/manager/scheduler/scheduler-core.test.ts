import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ASSIGNED_MESSAGE } from '../../../src/manager/scheduler/decision.ts';
import { FAILURE_WINDOW_MS } from '../../../src/manager/scheduler/node-info.ts';
import { aNode, aTask, servicesAt, someTasks } from './fixtures.ts';
import { assignmentsOf, coreWith, errorsOf, perNode, placements } from './support.ts';

describe('SchedulerCore: placing a group', () => {
  test('fills empty nodes round-robin in node order', () => {
    const core = coreWith([aNode('n1'), aNode('n2'), aNode('n3')], someTasks('t', 6));
    const decisions = core.schedule(0, servicesAt());
    assert.deepEqual(
      decisions.map((d) => (d.kind === 'assign' ? `${d.task.id}@${d.nodeId}` : d.kind)),
      ['t1@n1', 't2@n2', 't3@n3', 't4@n1', 't5@n2', 't6@n3'],
    );
    assert.ok(decisions.every((d) => d.kind === 'assign' && d.message === ASSIGNED_MESSAGE));
    assert.equal(core.queued, 0);
    assert.equal(core.nodeInfo('n1')?.serviceCount('svc'), 2);
  });

  test("ranks nodes by the service's tasks first, then by all tasks", () => {
    const running = [
      aTask('s1', { state: 'running', node: 'n1' }),
      aTask('o1', { service: 'other', state: 'running', node: 'n2' }),
      aTask('o2', { service: 'other', state: 'running', node: 'n2' }),
      aTask('o3', { service: 'other', state: 'running', node: 'n3' }),
    ];
    const core = coreWith([aNode('n1'), aNode('n2'), aNode('n3')], [...running, aTask('t1')]);
    // n1 already runs one of the service's tasks; n3 has fewer tasks in total than n2.
    assert.deepEqual([...placements(core)], [['t1', 'n3']]);
  });

  test('the first pass evens out the service before going round-robin', () => {
    const running = [
      aTask('r1', { state: 'running', node: 'n1' }),
      aTask('r2', { state: 'running', node: 'n1' }),
      aTask('r3', { state: 'running', node: 'n2' }),
    ];
    const core = coreWith(
      [aNode('n1'), aNode('n2'), aNode('n3')],
      [...running, ...someTasks('t', 6)],
    );
    const counts = perNode(placements(core));
    assert.deepEqual(counts, { n3: 3, n2: 2, n1: 1 });
    for (const id of ['n1', 'n2', 'n3']) assert.equal(core.nodeInfo(id)?.serviceCount('svc'), 3);
  });

  test('a node with 5 recent failures of the service version ranks last', () => {
    const nodes = [aNode('n1'), aNode('n2')];
    const core = coreWith(nodes);
    for (let i = 0; i < 5; i++) {
      const id = `f${i}`;
      core.setTask(aTask(id, { state: 'running', node: 'n1' }), 0);
      core.setTask(aTask(id, { state: 'failed', node: 'n1', version: 2 }), 1000 + i);
    }
    core.setTask(aTask('o1', { service: 'other', state: 'running', node: 'n2' }), 0);
    core.setTask(aTask('t1'), 0);
    assert.deepEqual([...placements(core, 2000)], [['t1', 'n2']]);
    // Another spec version, or failures past the window, do not count.
    core.setTask(aTask('t2', { specVersion: 2 }), 0);
    assert.deepEqual([...placements(core, 2000, servicesAt({ svc: 2 }))], [['t2', 'n1']]);
    core.setTask(aTask('t3'), 0);
    assert.deepEqual([...placements(core, 1004 + FAILURE_WINDOW_MS + 1)], [['t3', 'n1']]);
  });

  test('failures of pre-assigned tasks do not mark the node', () => {
    const core = coreWith([aNode('n1'), aNode('n2')]);
    for (let i = 0; i < 5; i++) {
      core.setTask(aTask(`g${i}`, { node: 'n1' }), 0);
      core.schedule(0, servicesAt());
      core.setTask(aTask(`g${i}`, { state: 'failed', node: 'n1', version: 2 }), 10);
    }
    core.setTask(aTask('o1', { service: 'other', state: 'running', node: 'n1' }), 0);
    core.setTask(aTask('o2', { service: 'other', state: 'running', node: 'n2' }), 0);
    core.setTask(aTask('o3', { service: 'other', state: 'running', node: 'n2' }), 0);
    core.setTask(aTask('t1'), 0);
    assert.deepEqual([...placements(core, 20)], [['t1', 'n1']]);
  });

  test('resources: reservations accumulate; the rest stay pending with the reason', () => {
    const core = coreWith(
      [aNode('n1', { cpus: 2e9 }), aNode('n2', { cpus: 2e9 })],
      someTasks('t', 5, { cpus: 1e9 }),
    );
    const decisions = core.schedule(0, servicesAt());
    assert.deepEqual(perNode(assignmentsOf(decisions)), { n1: 2, n2: 2 });
    assert.deepEqual(
      [...errorsOf(decisions)],
      [['t5', 'no suitable node (insufficient resources on 2 nodes)']],
    );
    assert.equal(core.queued, 1);
    assert.equal(core.nodeInfo('n1')?.availableNanoCpus, 0);
  });

  test('max replicas per node', () => {
    const core = coreWith(
      [aNode('n1'), aNode('n2')],
      someTasks('t', 3, { placement: { MaxReplicas: 1 } }),
    );
    const decisions = core.schedule(0, servicesAt());
    assert.deepEqual(perNode(assignmentsOf(decisions)), { n1: 1, n2: 1 });
    assert.deepEqual(
      [...errorsOf(decisions)],
      [['t3', 'no suitable node (max replicas per node limit exceed)']],
    );
  });

  test('the message names every reason, most failures first', () => {
    const nodes = [
      aNode('down1', { state: 'down' }),
      aNode('drained', { availability: 'drain' }),
      aNode('west', { labels: { zone: 'west' } }),
    ];
    const core = coreWith(nodes, [
      aTask('t1', { placement: { Constraints: ['node.labels.zone==east'] } }),
    ]);
    assert.deepEqual(
      [...errorsOf(core.schedule(0, servicesAt()))],
      [
        [
          't1',
          'no suitable node (2 nodes not available for new tasks; scheduling constraints not satisfied on 1 node)',
        ],
      ],
    );
  });

  test('no nodes at all: "no suitable node"', () => {
    const core = coreWith([], [aTask('t1')]);
    assert.deepEqual([...errorsOf(core.schedule(0, servicesAt()))], [['t1', 'no suitable node']]);
  });

  test('the reason is written only when it changes', () => {
    const err = 'no suitable node (1 node not available for new tasks)';
    const core = coreWith([aNode('n1', { state: 'down' })], [aTask('t1', { err })]);
    assert.deepEqual(core.schedule(0, servicesAt()), []);
    assert.equal(core.queued, 1);
    core.setNode(aNode('n1', { availability: 'pause' }));
    assert.deepEqual(core.schedule(0, servicesAt()), []);
    core.setNode(aNode('n1'));
    assert.deepEqual([...placements(core)], [['t1', 'n1']]);
  });

  test('groups by service and spec version, each with its own constraints', () => {
    const nodes = [
      aNode('e1', { labels: { zone: 'east' } }),
      aNode('w1', { labels: { zone: 'west' } }),
    ];
    const core = coreWith(nodes, [
      ...someTasks('a', 2, {
        service: 'a',
        placement: { Constraints: ['node.labels.zone==east'] },
      }),
      ...someTasks('b', 2, {
        service: 'b',
        placement: { Constraints: ['node.labels.zone==west'] },
      }),
    ]);
    assert.deepEqual(Object.fromEntries(placements(core)), {
      a1: 'e1',
      a2: 'e1',
      b1: 'w1',
      b2: 'w1',
    });
  });

  test('desired ready and complete tasks are placed too', () => {
    const core = coreWith(
      [aNode('n1')],
      [aTask('r', { desired: 'ready' }), aTask('j', { service: 'job', desired: 'complete' })],
    );
    assert.deepEqual(Object.fromEntries(placements(core)), { r: 'n1', j: 'n1' });
  });
});
