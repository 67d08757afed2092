import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../../src/base/errors.ts';
import { generateJoinTokens } from '../../../src/manager/ca/join-token.ts';
import { readNodeIdentity } from '../../../src/manager/ca/node-certificate.ts';
import { createNodeCsr } from '../../../src/manager/ca/node-csr.ts';
import { requireCluster, updateSwarm } from '../../../src/manager/controlapi/swarm.ts';
import { managerJoinMethod } from '../../../src/manager/join/join-methods.ts';
import { getRootCaMethod, joinMethod } from '../../../src/manager/rpc/rpc-methods.ts';
import { nodes, raftMembers } from '../../../src/store/tables.ts';
import { seededBytes } from '../ca/cluster-pki.ts';
import { controlDeps } from '../support/control-fixtures.ts';
import { voters } from '../support/manager-harness.ts';
import { expectNoTcpHandles } from '../../raft/transport/tcp-harness.ts';
import { JoinFixture } from './join-fixture.ts';

let fixture: JoinFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});
after(() => expectNoTcpHandles());

function refusedWith(code: string) {
  return (err: unknown) => err instanceof ShoalError && err.code === code;
}

test('a worker-token join yields a worker certificate and a Node in the store', async () => {
  const f = (fixture = await JoinFixture.create(51));
  const store = f.leader.manager.store;
  const joined = await f.join(f.tokens().worker, {
    hostname: 'box',
    advertiseAddr: '10.1.2.3:2377',
  });
  assert.equal(joined.role, 'worker');
  const cert = readNodeIdentity(joined.identity.certChainPem);
  assert.deepEqual(
    { nodeId: cert.nodeId, role: cert.role, clusterId: cert.clusterId },
    { nodeId: joined.nodeId, role: 'worker', clusterId: requireCluster(store).id },
  );
  const node = store.get(nodes, joined.nodeId);
  assert.equal(node?.Role, 'worker');
  assert.equal(node?.Spec.Availability, 'active');
  assert.equal(node?.Membership, 'accepted');
  assert.equal(node?.Description?.Hostname, 'box');
  assert.equal(node?.Status.Addr, '10.1.2.3');
  assert.equal(store.find(raftMembers, { index: 'node', value: joined.nodeId }).length, 0);
  // The new certificate works for mutual TLS with the cluster.
  const reply = await f
    .client(joined.identity)
    .call(f.leader.listener.address, getRootCaMethod, {});
  assert.equal(reply.rootCA, f.root.certPem);
});

test('a manager-token join yields a manager certificate and a Raft voter', async () => {
  const f = (fixture = await JoinFixture.create(52));
  const m1 = f.leader.manager;
  const { joined, raftId } = await f.joinManager();
  assert.equal(joined.role, 'manager');
  assert.equal(readNodeIdentity(joined.identity.certChainPem).role, 'manager');
  assert.equal(m1.store.get(nodes, joined.nodeId)?.Role, 'manager');
  assert.equal(raftId, 2);
  await f.harness.eventually('the joined manager to vote', () => voters(m1) === '1,2');
});

test('a wrong or rotated-out token is refused and nothing is written', async () => {
  const f = (fixture = await JoinFixture.create(53));
  const store = f.leader.manager.store;
  const before = store.all(nodes).length;
  const foreign = generateJoinTokens(f.root.certPem, seededBytes(99)).worker;
  await assert.rejects(f.join(foreign), refusedWith('CA_JOIN_TOKEN_REJECTED'));

  const old = f.tokens().worker;
  const cluster = requireCluster(store);
  await updateSwarm(
    store,
    cluster.Spec,
    cluster.meta.version,
    { rotateWorkerToken: true },
    controlDeps(7),
  );
  assert.notEqual(f.tokens().worker, old);
  await assert.rejects(f.join(old), (err: unknown) => {
    assert.ok(err instanceof ShoalError);
    assert.equal(err.code, 'CA_JOIN_TOKEN_REJECTED');
    assert.equal(err.message, 'A valid join token is necessary to join this cluster');
    return true;
  });
  assert.equal(store.all(nodes).length, before);
  assert.equal((await f.join(f.tokens().worker)).role, 'worker', 'the new token works');
});

test('a CSR naming another node, role and cluster still gets the CA records', async () => {
  const f = (fixture = await JoinFixture.create(54));
  const store = f.leader.manager.store;
  const joined = await f.join(
    f.tokens().worker,
    {},
    {
      createCsr: () => createNodeCsr({ nodeId: 'node-1', role: 'manager', clusterId: 'other' }),
    },
  );
  const cert = readNodeIdentity(joined.identity.certChainPem);
  assert.notEqual(cert.nodeId, 'node-1');
  assert.equal(cert.role, 'worker');
  assert.equal(cert.clusterId, requireCluster(store).id);
  assert.equal(store.get(nodes, 'node-1')?.Role, 'manager', 'the manager it named is untouched');
});

test('a join through a follower is proxied to the leader', async () => {
  const f = (fixture = await JoinFixture.create(55));
  const { member } = await f.joinManager();
  const m2 = member.manager;
  await f.harness.eventually('manager 2 to know the leader', () => m2.raftView.leader() === 1);
  await f.harness.eventually(
    'manager 2 to apply its own join',
    () => m2.store.find(raftMembers, { index: 'node', value: 'node-1' }).length > 0,
  );
  assert.equal(m2.isLeader(), false);
  const joined = await f.join(f.tokens().worker, { via: member, hostname: 'via-follower' });
  assert.equal(joined.role, 'worker');
  assert.equal(
    f.leader.manager.store.get(nodes, joined.nodeId)?.Description?.Hostname,
    'via-follower',
  );
  await f.harness.eventually('the follower to replicate the node', () =>
    m2.store.get(nodes, joined.nodeId),
  );

  // A call from a manager's certificate is a proxy hop: the follower never forwards it again.
  const request = {
    token: f.tokens().worker,
    csr: (await createNodeCsr()).csrPem,
    hostname: 'x',
    advertiseAddr: '10.0.0.9:2377',
  };
  const proxy = f.client(await f.identity('node-1', 'manager'));
  await assert.rejects(
    proxy.call(member.listener.address, joinMethod, request),
    refusedWith('MANAGER_NOT_LEADER'),
  );
});

test('join honours a requested availability and refuses an unknown one', async () => {
  const f = (fixture = await JoinFixture.create(56));
  const store = f.leader.manager.store;
  // Any cluster certificate reaches the anonymous join method; this one stands in for a joiner.
  const client = f.client(await f.identity('joiner', 'worker'));
  const request = {
    token: f.tokens().worker,
    csr: (await createNodeCsr()).csrPem,
    hostname: 'drained',
    advertiseAddr: '10.0.0.7:2377',
  };
  const reply = await client.call(f.leader.listener.address, managerJoinMethod, {
    ...request,
    availability: 'drain',
  });
  assert.equal(store.get(nodes, reply.nodeId)?.Spec.Availability, 'drain');
  const before = store.all(nodes).length;
  await assert.rejects(
    client.call(f.leader.listener.address, managerJoinMethod, {
      ...request,
      availability: 'asleep' as 'drain',
    }),
    refusedWith('RPC_BAD_REQUEST'),
  );
  assert.equal(store.all(nodes).length, before);
});
