import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HEARTBEAT_PERIOD, SECOND } from '../../../src/api/defaults.ts';
import { roleForJoinToken } from '../../../src/manager/ca/join-token.ts';
import {
  getSwarm,
  getUnlockKey,
  initCluster,
  updateSwarm,
} from '../../../src/manager/controlapi/swarm.ts';
import { clusters, nodes, raftMembers } from '../../../src/store/tables.ts';
import {
  clusterStore,
  controlDeps,
  initializedStore,
  rejection,
  rootCa,
} from '../support/control-fixtures.ts';

test('init writes the cluster with defaults, the first manager and its raft member', async () => {
  const { store } = await initializedStore();
  const swarm = getSwarm(store);
  assert.equal(swarm.Spec.Name, 'default');
  assert.equal(swarm.Spec.Dispatcher?.HeartbeatPeriod, DEFAULT_HEARTBEAT_PERIOD);
  assert.equal(swarm.Spec.Orchestration?.TaskHistoryRetentionLimit, 5);
  assert.deepEqual(swarm.DefaultAddrPool, ['10.0.0.0/8']);
  assert.equal(swarm.SubnetSize, 24);
  assert.equal(swarm.DataPathPort, 4789);
  assert.equal(swarm.TLSInfo.TrustRoot, rootCa.certPem);
  assert.match(swarm.JoinTokens.Worker, /^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
  assert.notEqual(swarm.JoinTokens.Worker, swarm.JoinTokens.Manager);
  assert.equal(swarm.JoinTokens.Worker.slice(0, 59), swarm.JoinTokens.Manager.slice(0, 59));
  assert.equal('RootCA' in swarm, false, 'the CA key never leaves the managers');
  const node = store.get(nodes, 'manager-1');
  assert.equal(node?.Role, 'manager');
  assert.equal(node?.Spec.Role, 'manager');
  assert.equal(node?.Status.State, 'ready');
  assert.equal(node?.Status.Addr, '10.0.0.1');
  assert.equal(store.get(raftMembers, '1')?.NodeID, 'manager-1');
  assert.equal(getUnlockKey(store).UnlockKey, '');
});

test('an empty availability from the wire means active, as in Docker', async () => {
  // Docker's clients send "Availability": "" when the flag is not given; storing it made
  // every later full-spec node update fail validation.
  const { store } = clusterStore();
  await initCluster(
    store,
    {
      nodeId: 'manager-1',
      raftId: 1,
      addr: '10.0.0.1:2377',
      rootCaCert: rootCa.certPem,
      availability: '' as unknown as 'active',
    },
    controlDeps(),
  );
  assert.equal(store.get(nodes, 'manager-1')?.Spec.Availability, 'active');
});

test('a second init is refused, and nothing is written', async () => {
  const { store } = await initializedStore();
  const index = store.index;
  const refused = await rejection(
    initCluster(
      store,
      { nodeId: 'other', raftId: 7, addr: 'x:1', rootCaCert: rootCa.certPem },
      controlDeps(),
    ),
  );
  assert.equal(refused.code, 'SWARM_EXISTS');
  assert.equal(store.index, index);
});

test('init rejects bad input with Docker texts', async () => {
  const cases = [
    { request: { spec: { Name: 'prod' } }, message: 'swarm spec must be named "default"' },
    {
      request: { dataPathPort: 80 },
      message: 'Datapath port number is not in valid range (1024-49151) : 80',
    },
    { request: { defaultAddrPool: ['nonsense'] }, message: 'invalid CIDR address: nonsense' },
    {
      request: { spec: { CAConfig: { NodeCertExpiry: SECOND } } },
      message: 'minimum certificate expiry time is: 1h0m0s',
    },
  ];
  for (const { request, message } of cases) {
    const { store } = clusterStore();
    const base = { nodeId: 'n', raftId: 1, addr: 'a:1', rootCaCert: rootCa.certPem };
    const refused = await rejection(initCluster(store, { ...base, ...request }, controlDeps()));
    assert.deepEqual(refused, { code: 'SPEC_INVALID', message });
    assert.equal(store.all(clusters).length, 0);
  }
});

test('getSwarm before init is SWARM_NOT_INITIALIZED', () => {
  const { store } = clusterStore();
  assert.throws(() => getSwarm(store), { code: 'SWARM_NOT_INITIALIZED' });
});

test('update replaces the spec, checks the version and rotates tokens on request', async () => {
  const { store } = await initializedStore();
  const before = getSwarm(store);
  await updateSwarm(
    store,
    { Dispatcher: { HeartbeatPeriod: 2 * SECOND }, Labels: { env: 'test' } },
    before.Version.Index,
    { rotateWorkerToken: true },
    controlDeps(2),
  );
  const after = getSwarm(store);
  assert.equal(after.Spec.Dispatcher?.HeartbeatPeriod, 2 * SECOND);
  assert.deepEqual(after.Spec.Labels, { env: 'test' });
  // Zero fields of a full replacement take the defaults again.
  assert.equal(after.Spec.Raft?.SnapshotInterval, 10_000);
  assert.notEqual(after.JoinTokens.Worker, before.JoinTokens.Worker);
  assert.equal(after.JoinTokens.Manager, before.JoinTokens.Manager);
  assert.throws(
    () =>
      roleForJoinToken(before.JoinTokens.Worker, {
        worker: after.JoinTokens.Worker,
        manager: after.JoinTokens.Manager,
      }),
    { code: 'CA_JOIN_TOKEN_REJECTED' },
  );

  const stale = await rejection(updateSwarm(store, {}, before.Version.Index, {}, controlDeps()));
  assert.deepEqual(stale, { code: 'STORE_SEQUENCE_CONFLICT', message: 'update out of sequence' });
  const renamed = await rejection(
    updateSwarm(store, { Name: 'other' }, after.Version.Index, {}, controlDeps()),
  );
  assert.equal(renamed.code, 'SPEC_INVALID');
});

test('autolock on creates an unlock key; rotation replaces it; autolock off drops it', async () => {
  const { store } = await initializedStore();
  const locked = { EncryptionConfig: { AutoLockManagers: true } };
  await updateSwarm(store, locked, getSwarm(store).Version.Index, {}, controlDeps(3));
  const first = getUnlockKey(store).UnlockKey;
  assert.match(first, /^SWMKEY-1-/);
  await updateSwarm(store, locked, getSwarm(store).Version.Index, {}, controlDeps(4));
  assert.equal(getUnlockKey(store).UnlockKey, first, 'kept without a rotation');
  await updateSwarm(
    store,
    locked,
    getSwarm(store).Version.Index,
    { rotateManagerUnlockKey: true },
    controlDeps(5),
  );
  assert.notEqual(getUnlockKey(store).UnlockKey, first);
  await updateSwarm(store, {}, getSwarm(store).Version.Index, {}, controlDeps(6));
  assert.equal(getUnlockKey(store).UnlockKey, '');
  assert.equal('UnlockKey' in getSwarm(store), false);
});
