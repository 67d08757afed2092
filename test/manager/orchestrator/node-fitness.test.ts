import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isGlobalEligible,
  nodeMatchesConstraints,
} from '../../../src/manager/orchestrator/node-fitness.ts';
import { aNode } from './fixtures.ts';

test('constraints: ids, hostnames, roles, platform and labels, == and !=', () => {
  const node = {
    ...aNode('n1', { labels: { Zone: 'East' } }),
    Status: { State: 'ready' as const, Addr: '10.1.2.3' },
  };
  const holds = (c: string) => nodeMatchesConstraints(node, [c]);
  assert.equal(holds('node.id==n1'), true);
  assert.equal(holds('node.hostname==HOST-N1'), true);
  assert.equal(holds('node.role!=manager'), true);
  assert.equal(holds('node.platform.os==linux'), true);
  assert.equal(holds('node.labels.Zone==east'), true);
  assert.equal(holds('node.labels.zone==east'), false);
  assert.equal(holds('node.labels.rack!=r1'), true);
  assert.equal(holds('engine.labels.executor==process'), false);
  assert.equal(holds('node.ip==10.1.0.0/16'), true);
  assert.equal(holds('node.ip==10.2.0.0/16'), false);
  // Validation refuses unparsable constraints; one that got in anyway disables the check, as
  // Swarm's constraint filter does (the scheduler and the orchestrators agree on it).
  assert.equal(holds('nonsense'), true);
  assert.equal(nodeMatchesConstraints(node, undefined), true);
});

test('global eligibility: ready or unknown, not drained, constraints met', () => {
  assert.equal(isGlobalEligible(aNode('a', { state: 'unknown' }), {}), true);
  assert.equal(isGlobalEligible(aNode('a', { state: 'disconnected' }), {}), false);
  assert.equal(isGlobalEligible(aNode('a', { availability: 'pause' }), {}), true);
  assert.equal(isGlobalEligible(aNode('a', { availability: 'drain' }), {}), false);
});
