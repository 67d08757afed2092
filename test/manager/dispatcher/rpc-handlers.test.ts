import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeDescription } from '../../../src/api/objects/node.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import { notLeader } from '../../../src/manager/controlapi/control-errors.ts';
import { managersOf, registerDispatcherRpc } from '../../../src/manager/dispatcher/rpc-handlers.ts';
import type { DispatcherRpcHost } from '../../../src/manager/dispatcher/rpc-handlers.ts';
import {
  heartbeatMethod,
  managersMethod,
  readHeartbeatRequest,
} from '../../../src/manager/dispatcher/rpc-methods.ts';
import { RpcClient } from '../../../src/manager/rpc/rpc-client.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables, raftMembers } from '../../../src/store/tables.ts';
import { TestPki } from '../rpc/cluster-fixture.ts';
import { rejection } from '../support/control-fixtures.ts';

const pki = await TestPki.create(31);
after(() => pki.close());

/** A store holding three members, the second removed. */
async function memberStore(): Promise<MemoryStore> {
  const store = new MemoryStore({ tables: clusterTables }, { clock: new ManualClock(0) });
  await store.update((tx) => {
    tx.create(raftMembers, { id: '3', RaftID: 3, NodeID: 'm3', Addr: '10.0.0.3:2377' });
    tx.create(raftMembers, { id: '1', RaftID: 1, NodeID: 'm1', Addr: '10.0.0.1:2377' });
    tx.create(raftMembers, {
      id: '2',
      RaftID: 2,
      NodeID: 'm2',
      Addr: '10.0.0.2:2377',
      Removed: true,
    });
  });
  return store;
}

/** A host whose heartbeat records its calls, leading or not as `leader` says. */
function fakeHost(store: MemoryStore, leader: { id: number; leads: boolean }) {
  const beats: { nodeId: string; description: NodeDescription | undefined }[] = [];
  const host: DispatcherRpcHost = {
    store,
    raftView: { leader: () => leader.id },
    heartbeat: (nodeId, description) => {
      if (!leader.leads) return Promise.reject(notLeader(leader.id));
      beats.push({ nodeId, description });
      return Promise.resolve({ periodMs: 4_900, role: 'manager' as const });
    },
  };
  return { host, beats };
}

test('managersOf: live members in raft-ID order and the leader address', async () => {
  const store = await memberStore();
  assert.deepEqual(managersOf(store, 3), {
    managers: ['10.0.0.1:2377', '10.0.0.3:2377'],
    leaderAddr: '10.0.0.3:2377',
  });
  assert.deepEqual(managersOf(store, 0), { managers: ['10.0.0.1:2377', '10.0.0.3:2377'] });
  assert.deepEqual(managersOf(store, 2).leaderAddr, undefined, 'a removed member never leads');
});

test('readHeartbeatRequest accepts an optional description object only', () => {
  assert.deepEqual(readHeartbeatRequest(null), {});
  assert.deepEqual(readHeartbeatRequest({}), {});
  assert.deepEqual(readHeartbeatRequest({ description: { Hostname: 'h' } }), {
    description: { Hostname: 'h' },
  });
  for (const bad of [[], 'x', { description: 'x' }, { description: [] }]) {
    assert.throws(() => readHeartbeatRequest(bad), { code: 'RPC_BAD_REQUEST' });
  }
});

test('over mTLS: the heartbeat is for the certificate node, never a node named in the body', async () => {
  const store = await memberStore();
  const leader = { id: 1, leads: true };
  const { host, beats } = fakeHost(store, leader);
  const { listener, rpc } = await pki.listener(await pki.identity('m1', 'manager'));
  registerDispatcherRpc(rpc, host);
  const worker = pki.client(await pki.identity('w1', 'worker'));

  const body = { description: { Hostname: 'w1' }, nodeId: 'someone-else' };
  const reply = await worker.call(listener.address, heartbeatMethod, body);
  assert.deepEqual(reply, {
    periodMs: 4_900,
    managers: ['10.0.0.1:2377', '10.0.0.3:2377'],
    role: 'manager',
  });
  assert.deepEqual(beats, [{ nodeId: 'w1', description: { Hostname: 'w1' } }]);

  // A manager's certificate may heartbeat too.
  const manager = pki.client(await pki.identity('m3', 'manager'));
  await manager.call(listener.address, heartbeatMethod, {});
  assert.deepEqual(beats[1], { nodeId: 'm3', description: undefined });

  // Off the leader: MANAGER_NOT_LEADER, and dispatcher.managers names the leader.
  leader.leads = false;
  leader.id = 3;
  const error = await rejection(worker.call(listener.address, heartbeatMethod, {}));
  assert.equal(error.code, 'MANAGER_NOT_LEADER');
  assert.deepEqual(await worker.call(listener.address, managersMethod, {}), {
    managers: ['10.0.0.1:2377', '10.0.0.3:2377'],
    leaderAddr: '10.0.0.3:2377',
  });
});

test('over mTLS: no certificate, no heartbeat; a removed certificate is refused', async () => {
  const store = await memberStore();
  const { host, beats } = fakeHost(store, { id: 1, leads: true });
  const { listener, rpc } = await pki.listener(await pki.identity('m1', 'manager'));
  registerDispatcherRpc(rpc, host);
  const anonymous = new RpcClient(
    { tlsOptions: () => ({ ca: [pki.root.certPem], checkServerIdentity: () => undefined }) },
    { clock: pki.clock },
  );
  pki.defer(() => anonymous.close());
  const refusals = await Promise.all([
    rejection(anonymous.call(listener.address, heartbeatMethod, {})),
    rejection(anonymous.call(listener.address, managersMethod, {})),
  ]);
  assert.deepEqual(
    refusals.map((r) => r.code),
    ['CA_PEER_UNAUTHENTICATED', 'CA_PEER_UNAUTHENTICATED'],
  );
  pki.removed.add('w2');
  const removed = pki.client(await pki.identity('w2', 'worker'));
  const error = await rejection(removed.call(listener.address, heartbeatMethod, {}));
  assert.equal(error.code, 'CA_NODE_REMOVED');
  assert.equal(beats.length, 0);
});
