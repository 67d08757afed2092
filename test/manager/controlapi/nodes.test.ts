import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters } from '../../../src/api/filters.ts';
import { NODE_FILTER_KEYS } from '../../../src/api/object-filters.ts';
import type { NodeSpec } from '../../../src/api/objects/node.ts';
import {
  getNode,
  isRemoved,
  listNodes,
  registerNode,
  removeNode,
  updateNode,
} from '../../../src/manager/controlapi/nodes.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import { nodes, raftMembers } from '../../../src/store/tables.ts';
import { fakeRaftView, initializedStore, rejection } from '../support/control-fixtures.ts';

const filters = (raw: string) => parseFilters(raw, NODE_FILTER_KEYS);

/** Three nodes beside manager-1: two workers (one ready, one down) and manager-2 (raft 2). */
async function populated(): Promise<MemoryStore> {
  const { store } = await initializedStore();
  await registerNode(store, {
    nodeId: 'worker-a1',
    role: 'worker',
    description: { Hostname: 'beta', Engine: { Labels: { zone: 'a' } } },
  });
  await registerNode(store, {
    nodeId: 'worker-b2',
    role: 'worker',
    description: { Hostname: 'beta' },
  });
  await registerNode(store, {
    nodeId: 'manager-2',
    role: 'manager',
    description: { Hostname: 'gamma' },
  });
  await store.update((tx) => {
    tx.create(raftMembers, { id: '2', RaftID: 2, NodeID: 'manager-2', Addr: '10.0.0.2:2377' });
    const a = tx.get(nodes, 'worker-a1')!;
    tx.update(nodes, {
      ...a,
      Status: { State: 'ready' },
      Spec: { ...a.Spec, Labels: { disk: 'ssd' } },
    });
    const b = tx.get(nodes, 'worker-b2')!;
    tx.update(nodes, { ...b, Status: { State: 'down', Message: 'heartbeat failure' } });
  });
  return store;
}

function spec(store: MemoryStore, id: string, change: Partial<NodeSpec>): [number, NodeSpec] {
  const node = store.get(nodes, id)!;
  return [node.meta.version, { ...node.Spec, ...change }];
}

test('list filters by role, name prefix, id prefix, labels and membership', async () => {
  const store = await populated();
  const ids = (raw: string) =>
    listNodes(store, filters(raw))
      .map((n) => n.id)
      .sort();
  assert.deepEqual(ids(''), ['manager-1', 'manager-2', 'worker-a1', 'worker-b2']);
  assert.deepEqual(ids('{"role":["manager"]}'), ['manager-1', 'manager-2']);
  assert.deepEqual(ids('{"name":["bet"]}'), ['worker-a1', 'worker-b2']);
  assert.deepEqual(ids('{"id":["worker-a"]}'), ['worker-a1']);
  assert.deepEqual(ids('{"label":["zone=a"]}'), ['worker-a1']);
  assert.deepEqual(ids('{"node.label":["disk"]}'), ['worker-a1']);
  assert.deepEqual(ids('{"membership":["pending"]}'), []);
  assert.throws(() => listNodes(store, filters('{"role":["boss"]}')), { code: 'FILTER_INVALID' });
});

test('get resolves exact ID, then hostname, then a unique ID prefix', async () => {
  const store = await populated();
  assert.equal(getNode(store, 'manager-2').id, 'manager-2');
  assert.equal(getNode(store, 'gamma').id, 'manager-2');
  assert.equal(getNode(store, 'worker-a').id, 'worker-a1');
  assert.throws(() => getNode(store, 'beta'), {
    code: 'REFERENCE_AMBIGUOUS',
    message: 'node beta is ambiguous (2 matches found)',
  });
  assert.throws(() => getNode(store, 'worker'), { code: 'REFERENCE_AMBIGUOUS' });
  assert.throws(() => getNode(store, 'nope'), {
    code: 'NODE_NOT_FOUND',
    message: 'node nope not found',
  });
});

test('manager status comes from the raft view: leader, reachable, unreachable', async () => {
  const store = await populated();
  const view = fakeRaftView({ voters: [1, 2], reachable: [], selfId: 1, leader: 1 });
  assert.deepEqual(getNode(store, 'manager-1', view).ManagerStatus, {
    Leader: true,
    Reachability: 'reachable',
    Addr: '10.0.0.1:2377',
  });
  assert.deepEqual(getNode(store, 'manager-2', view).ManagerStatus, {
    Reachability: 'unreachable',
    Addr: '10.0.0.2:2377',
  });
  const reachable = fakeRaftView({ voters: [1, 2], reachable: [2], selfId: 1 });
  assert.equal(getNode(store, 'manager-2', reachable).ManagerStatus?.Reachability, 'reachable');
  assert.equal(getNode(store, 'worker-a1', view).ManagerStatus, undefined);
});

test('update replaces the spec whole and checks the version', async () => {
  const store = await populated();
  const [version] = spec(store, 'worker-a1', {});
  await updateNode(store, 'worker-a1', version, { Role: 'worker', Availability: 'drain' });
  const node = store.get(nodes, 'worker-a1')!;
  assert.deepEqual(node.Spec, { Role: 'worker', Availability: 'drain' });
  const stale = await rejection(
    updateNode(store, 'worker-a1', version, { Role: 'worker', Availability: 'active' }),
  );
  assert.deepEqual(stale, { code: 'STORE_SEQUENCE_CONFLICT', message: 'update out of sequence' });
  const bad = await rejection(
    updateNode(store, 'worker-a1', node.meta.version, {
      Role: 'boss' as 'worker',
      Availability: 'active',
    }),
  );
  assert.deepEqual(bad, { code: 'SPEC_INVALID', message: 'invalid Role: "boss"' });
  const missing = await rejection(
    updateNode(store, 'zzz', 1, { Role: 'worker', Availability: 'active' }),
  );
  assert.equal(missing.code, 'NODE_NOT_FOUND');
});

test('demoting the last manager is refused with Docker text', async () => {
  const { store } = await initializedStore();
  const [version, demoted] = spec(store, 'manager-1', { Role: 'worker' });
  const refused = await rejection(updateNode(store, 'manager-1', version, demoted));
  assert.deepEqual(refused, {
    code: 'NODE_LAST_MANAGER',
    message: 'attempting to demote the last manager of the swarm',
  });
  assert.equal(store.get(nodes, 'manager-1')?.Spec.Role, 'manager');
});

test('a demotion that would lose quorum is refused; with quorum it is recorded', async () => {
  const store = await populated();
  const [version, demoted] = spec(store, 'manager-2', { Role: 'worker' });
  // Voters 1, 2, 3 with 3 unreachable: without 2 only this manager is left of the two needed.
  const lossy = fakeRaftView({ voters: [1, 2, 3], reachable: [2], selfId: 1 });
  const refused = await rejection(updateNode(store, 'manager-2', version, demoted, lossy));
  assert.deepEqual(refused, {
    code: 'NODE_QUORUM_LOSS',
    message: "can't remove member from the raft: this would result in a loss of quorum",
  });
  const healthy = fakeRaftView({ voters: [1, 2, 3], reachable: [2, 3], selfId: 1 });
  await updateNode(store, 'manager-2', version, demoted, healthy);
  const node = store.get(nodes, 'manager-2')!;
  assert.equal(node.Spec.Role, 'worker');
  assert.equal(node.Role, 'manager', 'the current role changes once raft has let it go');
});

test('removal refuses raft members and live nodes, and records removed IDs', async () => {
  const store = await populated();
  const manager = await rejection(removeNode(store, 'manager-2', true));
  assert.deepEqual(manager, {
    code: 'NODE_IS_MANAGER',
    message:
      'node manager-2 is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal',
  });
  const live = await rejection(removeNode(store, 'worker-a1', false));
  assert.deepEqual(live, {
    code: 'NODE_NOT_DOWN',
    message: "node worker-a1 is not down and can't be removed",
  });

  assert.equal(await removeNode(store, 'worker-b2', false), 'worker-b2');
  assert.equal(await removeNode(store, 'worker-a1', true), 'worker-a1');
  assert.equal(store.get(nodes, 'worker-a1'), undefined);
  assert.equal(isRemoved(store, 'worker-a1'), true);
  assert.equal(isRemoved(store, 'worker-b2'), true);
  assert.equal(isRemoved(store, 'manager-2'), false);
  const gone = await rejection(removeNode(store, 'worker-a1', true));
  assert.equal(gone.code, 'NODE_NOT_FOUND');
});
