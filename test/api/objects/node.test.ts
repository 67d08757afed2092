import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toEngineNode } from '../../../src/api/objects/node.ts';
import { aNode } from '../support/objects.ts';

test('a node maps to the Engine shape without shoal-internal fields', () => {
  const engine = toEngineNode(
    aNode({ ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '10.0.0.1:2377' } }),
  );
  assert.deepEqual(Object.keys(engine), [
    'ID',
    'Version',
    'CreatedAt',
    'UpdatedAt',
    'Spec',
    'Description',
    'Status',
    'ManagerStatus',
  ]);
  assert.equal(engine.ID, 'node1');
  assert.deepEqual(engine.ManagerStatus, {
    Leader: true,
    Reachability: 'reachable',
    Addr: '10.0.0.1:2377',
  });
  assert.ok(!('Role' in engine) && !('Membership' in engine));
});

test('a worker has no ManagerStatus and an undescribed node an empty Description', () => {
  const { Description: _d, ...bare } = aNode();
  const engine = toEngineNode(bare);
  assert.ok(!('ManagerStatus' in engine));
  assert.deepEqual(engine.Description, {});
});
