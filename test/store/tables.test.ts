import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/base/clock.ts';
import type { Service } from '../../src/api/objects/service.ts';
import type { Task } from '../../src/api/objects/task.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import type { NewObject } from '../../src/store/store-object.ts';
import {
  clusterTables,
  raftMembers,
  secrets,
  serviceNodeKey,
  serviceSlotKey,
  services,
  tasks,
} from '../../src/store/tables.ts';

function store(): MemoryStore {
  return new MemoryStore({ tables: clusterTables }, { clock: new ManualClock(0) });
}

const aService = (id: string, name: string, labels = {}): NewObject<Service> => ({
  id,
  Spec: { Name: name, Labels: labels, Mode: { Global: {} } },
});

const aTask = (id: string, slot: number, nodeId?: string): NewObject<Task> => ({
  id,
  Spec: {},
  ServiceID: 'svc',
  Slot: slot,
  ...(nodeId === undefined ? {} : { NodeID: nodeId }),
  Status: { State: 'running' },
  DesiredState: 'running',
});

test('service, secret and config names are unique case-insensitively', async () => {
  const s = store();
  await s.update((tx) => void tx.create(services, aService('a', 'Web')));
  await assert.rejects(
    s.update((tx) => void tx.create(services, aService('b', 'wEB'))),
    { code: 'STORE_NAME_CONFLICT', message: 'service wEB already exists' },
  );
  assert.equal(s.getByName(services, 'WEB')?.id, 'a');
  await s.update((tx) => void tx.create(secrets, { id: 'x', Spec: { Name: 'Key' } }));
  await assert.rejects(
    s.update((tx) => void tx.create(secrets, { id: 'y', Spec: { Name: 'key' } })),
    {
      code: 'STORE_NAME_CONFLICT',
    },
  );
});

test('task indexes: service, node (assigned only), desired state, slot, service+node', async () => {
  const s = store();
  await s.update((tx) => {
    tx.create(tasks, aTask('t1', 1, 'n1'));
    tx.create(tasks, aTask('t2', 2));
    tx.create(tasks, aTask('t3', 1, 'n2'));
  });
  const ids = (index: string, value: string) =>
    s
      .find(tasks, { index, value })
      .map((t) => t.id)
      .sort();
  assert.deepEqual(ids('service', 'svc'), ['t1', 't2', 't3']);
  assert.deepEqual(ids('node', 'n1'), ['t1']);
  assert.deepEqual(ids('desiredState', 'running'), ['t1', 't2', 't3']);
  assert.deepEqual(ids('serviceSlot', serviceSlotKey('svc', 1)), ['t1', 't3']);
  assert.deepEqual(ids('serviceNode', serviceNodeKey('svc', 'n2')), ['t3']);
});

test('services by label and mode; raft members by node until removed', async () => {
  const s = store();
  await s.update((tx) => {
    tx.create(services, aService('a', 'web', { tier: 'front' }));
    tx.create(raftMembers, { id: '1', RaftID: 1, NodeID: 'n1', Addr: 'a:1' });
  });
  assert.equal(s.find(services, { index: 'label', value: 'tier=front' }).length, 1);
  assert.equal(s.find(services, { index: 'label', value: 'tier' }).length, 1);
  assert.equal(s.find(services, { index: 'mode', value: 'global' }).length, 1);
  assert.equal(s.find(raftMembers, { index: 'node', value: 'n1' }).length, 1);
  const member = s.get(raftMembers, '1')!;
  await s.update((tx) => void tx.update(raftMembers, { ...member, Removed: true }));
  assert.equal(s.find(raftMembers, { index: 'node', value: 'n1' }).length, 0);
  assert.equal(s.get(raftMembers, '1')?.Removed, true, 'the ID stays taken');
});
