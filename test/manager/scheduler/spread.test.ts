import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlacementPreference } from '../../../src/api/objects/task-spec.ts';
import { aNode, aTask, someTasks } from './fixtures.ts';
import { coreWith, errorsOf, perNode, placements } from './support.ts';

function spread(...descriptors: string[]): { Preferences: PlacementPreference[] } {
  return { Preferences: descriptors.map((SpreadDescriptor) => ({ Spread: { SpreadDescriptor } })) };
}

const zoned = [
  aNode('a1', { labels: { zone: 'a' } }),
  aNode('a2', { labels: { zone: 'a' } }),
  aNode('a3', { labels: { zone: 'a' } }),
  aNode('b1', { labels: { zone: 'b' } }),
  aNode('c1', { labels: { zone: 'c' } }),
];

function byZone(assignments: ReadonlyMap<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of assignments.values()) {
    const zone = node.replace(/\d+$/, '');
    out[zone] = (out[zone] ?? 0) + 1;
  }
  return out;
}

describe('placement preferences', () => {
  test('spread=node.labels.zone splits tasks evenly over zones, not nodes', () => {
    const core = coreWith(zoned, someTasks('t', 6, { placement: spread('node.labels.zone') }));
    assert.deepEqual(byZone(placements(core)), { a: 2, b: 2, c: 2 });
  });

  test('without the preference the same tasks spread over nodes', () => {
    const core = coreWith(zoned, someTasks('t', 5));
    assert.deepEqual(perNode(placements(core)), { a1: 1, a2: 1, a3: 1, b1: 1, c1: 1 });
  });

  test('existing tasks count toward their branch', () => {
    const running = [
      aTask('r1', { state: 'running', node: 'b1' }),
      aTask('r2', { state: 'running', node: 'b1' }),
    ];
    const core = coreWith(zoned, [
      ...running,
      ...someTasks('t', 4, { placement: spread('node.labels.zone') }),
    ]);
    assert.deepEqual(byZone(placements(core)), { a: 2, c: 2 });
  });

  test('nodes without the label form their own "" branch', () => {
    const nodes = [aNode('a1', { labels: { zone: 'a' } }), aNode('x1'), aNode('x2')];
    const core = coreWith(nodes, someTasks('t', 4, { placement: spread('node.labels.zone') }));
    assert.deepEqual(byZone(placements(core)), { a: 2, x: 2 });
  });

  test('a full branch drops out and its share goes to the others', () => {
    const nodes = [
      aNode('a1', { labels: { zone: 'a' }, cpus: 1e9 }),
      aNode('b1', { labels: { zone: 'b' } }),
      aNode('c1', { labels: { zone: 'c' } }),
    ];
    const core = coreWith(
      nodes,
      someTasks('t', 7, { cpus: 1e9, placement: spread('node.labels.zone') }),
    );
    assert.deepEqual(byZone(placements(core)), { a: 1, b: 3, c: 3 });
  });

  test('a branch whose nodes all fail the filters takes nothing', () => {
    const nodes = [
      aNode('a1', { labels: { zone: 'a' }, state: 'down' }),
      aNode('b1', { labels: { zone: 'b' } }),
    ];
    const core = coreWith(nodes, someTasks('t', 2, { placement: spread('node.labels.zone') }));
    assert.deepEqual(byZone(placements(core)), { b: 2 });
  });

  test('engine labels and nested preferences', () => {
    const nodes = [
      aNode('a1', { labels: { zone: 'a', rack: '1' }, engineLabels: { disk: 'ssd' } }),
      aNode('a2', { labels: { zone: 'a', rack: '2' }, engineLabels: { disk: 'ssd' } }),
      aNode('b1', { labels: { zone: 'b', rack: '1' }, engineLabels: { disk: 'hdd' } }),
      aNode('b2', { labels: { zone: 'b', rack: '1' }, engineLabels: { disk: 'hdd' } }),
    ];
    let core = coreWith(
      nodes,
      someTasks('t', 4, { placement: spread('node.labels.zone', 'node.labels.rack') }),
    );
    assert.deepEqual(perNode(placements(core)), { a1: 1, a2: 1, b1: 1, b2: 1 });
    core = coreWith(nodes, someTasks('t', 8, { placement: spread('engine.labels.disk') }));
    assert.deepEqual(byZone(placements(core)), { a: 4, b: 4 });
  });

  test('other descriptors are ignored', () => {
    const core = coreWith(zoned, someTasks('t', 5, { placement: spread('node.hostname') }));
    assert.deepEqual(perNode(placements(core)), { a1: 1, a2: 1, a3: 1, b1: 1, c1: 1 });
  });

  test('when every branch is full the rest stay pending with the reason', () => {
    const nodes = [aNode('a1', { labels: { zone: 'a' } }), aNode('b1', { labels: { zone: 'b' } })];
    const core = coreWith(
      nodes,
      someTasks('t', 3, { placement: { ...spread('node.labels.zone'), MaxReplicas: 1 } }),
    );
    const decisions = core.schedule(0, () => ({ SpecVersion: { Index: 1 } }));
    assert.deepEqual(
      [...errorsOf(decisions)].map(([, err]) => err),
      ['no suitable node (max replicas per node limit exceed)'],
    );
  });
});
