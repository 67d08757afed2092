import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConstraints } from '../../../src/manager/scheduler/node-constraints.ts';
import { aNode } from './fixtures.ts';

function matches(constraints: string[], node = aNode('n1')): boolean {
  const predicate = compileConstraints(constraints);
  assert.ok(predicate, 'constraints should compile');
  return predicate(node);
}

describe('compileConstraints', () => {
  test('nothing to check without constraints, or with one that does not parse', () => {
    assert.equal(compileConstraints(undefined), undefined);
    assert.equal(compileConstraints([]), undefined);
    assert.equal(compileConstraints(['node.role=manager']), undefined);
  });

  test('node.id, node.hostname and node.role compare case-insensitively', () => {
    const node = aNode('AbC123', { hostname: 'Alpha', role: 'manager' });
    assert.equal(matches(['node.id==abc123'], node), true);
    assert.equal(matches(['NODE.HOSTNAME==alpha'], node), true);
    assert.equal(matches(['node.role==MANAGER'], node), true);
    assert.equal(matches(['node.role!=manager'], node), false);
    assert.equal(matches(['node.role==worker'], node), false);
  });

  test('platform keys read the description', () => {
    const node = aNode('n1', { os: 'linux', arch: 'aarch64' });
    assert.equal(matches(['node.platform.os==Linux'], node), true);
    assert.equal(matches(['node.platform.arch==aarch64'], node), true);
    assert.equal(matches(['node.platform.arch!=aarch64'], node), false);
  });

  test('label names are case-sensitive, values are not; a missing label reads as empty', () => {
    const node = aNode('n1', { labels: { Zone: 'East' }, engineLabels: { executor: 'docker' } });
    assert.equal(matches(['node.labels.Zone==east'], node), true);
    assert.equal(matches(['node.labels.zone==east'], node), false);
    assert.equal(matches(['node.labels.zone!=east'], node), true);
    assert.equal(matches(['NODE.LABELS.Zone==EAST'], node), true);
    assert.equal(matches(['engine.labels.executor==Docker'], node), true);
    assert.equal(matches(['engine.labels.executor!=docker'], node), false);
    assert.equal(matches(['engine.labels.gpu!=yes'], node), true);
  });

  test('node.ip takes an address or a CIDR block; a malformed one fails every node', () => {
    const node = aNode('n1', { addr: '192.168.1.7' });
    assert.equal(matches(['node.ip==192.168.1.7'], node), true);
    assert.equal(matches(['node.ip!=192.168.1.7'], node), false);
    assert.equal(matches(['node.ip==192.168.1.0/24'], node), true);
    assert.equal(matches(['node.ip!=192.168.1.0/24'], node), false);
    assert.equal(matches(['node.ip==10.0.0.0/8'], node), false);
    assert.equal(matches(['node.ip!=10.0.0.0/8'], node), true);
    assert.equal(
      matches(['node.ip==192.168.1.7'], aNode('n2', { addr: '192.168.1.7:2377' })),
      true,
    );
    assert.equal(matches(['node.ip!=300.1.1.1'], node), false);
    assert.equal(matches(['node.ip==2001:db8::/32'], aNode('n3', { addr: '2001:db8::2' })), true);
  });

  test('every constraint must hold', () => {
    const node = aNode('n1', { labels: { zone: 'east' }, role: 'worker' });
    assert.equal(matches(['node.labels.zone==east', 'node.role==worker'], node), true);
    assert.equal(matches(['node.labels.zone==east', 'node.role==manager'], node), false);
  });
});
