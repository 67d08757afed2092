import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNode, localNodeFacts } from '../../../src/agent/session/node-description.ts';
import { Session } from '../../../src/agent/session/session.ts';
import { MILLISECOND } from '../../../src/api/defaults.ts';
import { SystemClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import { mutualTlsClientOptions } from '../../../src/manager/ca/tls-identity.ts';
import { isRemoved, registerNode, removeNode } from '../../../src/manager/controlapi/nodes.ts';
import { initCluster } from '../../../src/manager/controlapi/swarm.ts';
import { registerDispatcherRpc } from '../../../src/manager/dispatcher/rpc-handlers.ts';
import type { Manager } from '../../../src/manager/manager.ts';
import { ClusterListener } from '../../../src/manager/rpc/cluster-listener.ts';
import { RpcClient } from '../../../src/manager/rpc/rpc-client.ts';
import { RpcServer } from '../../../src/manager/rpc/rpc-server.ts';
import { nodes } from '../../../src/store/tables.ts';
import { waitFor } from '../../raft/node/node-cluster.ts';
import { TestPki } from '../../manager/rpc/cluster-fixture.ts';
import { controlDeps, rootCa } from '../../manager/support/control-fixtures.ts';
import { ManagerHarness, voters } from '../../manager/support/manager-harness.ts';

const harness = new ManagerHarness();
const pki = await TestPki.create(23);
const systemClock = new SystemClock();
after(async () => {
  await pki.close();
  await harness.close();
});

/**
 * Three managers (Raft over a MemoryNetwork, the dispatcher on the harness's ManualClock),
 * each with a real mutual-TLS ClusterListener serving the dispatcher RPCs, whose addresses
 * are the managers' advertised addresses.
 */
async function threeManagers(): Promise<{ m1: Manager; addrs: Map<number, string> }> {
  const rpcs = new Map<number, RpcServer>();
  const addrs = new Map<number, string>();
  for (const n of [1, 2, 3]) {
    const rpc = new RpcServer();
    const listener = new ClusterListener({
      identity: await pki.identity(`node-${n}`, 'manager'),
      // Each manager refuses the certificates its own replica of the store says were removed.
      policy: {
        ...pki.policy,
        isRemoved: (id) => {
          const manager = harness.running.get(n);
          return manager !== undefined && isRemoved(manager.store, id);
        },
      },
      rpc,
    });
    pki.defer(() => listener.close());
    await listener.start();
    rpcs.set(n, rpc);
    addrs.set(n, listener.address);
  }
  const m1 = await harness.start(1, [1]);
  registerDispatcherRpc(rpcs.get(1)!, m1);
  await harness.eventually('manager 1 to lead', () => m1.isLeader());
  await initCluster(
    m1.store,
    {
      nodeId: 'node-1',
      raftId: 1,
      addr: addrs.get(1)!,
      rootCaCert: rootCa.certPem,
      spec: { Dispatcher: { HeartbeatPeriod: 200 * MILLISECOND } },
    },
    controlDeps(),
  );
  for (const n of [2, 3]) {
    await registerNode(m1.store, { nodeId: `node-${n}`, role: 'manager' });
    await m1.addManager(`node-${n}`, addrs.get(n)!);
    registerDispatcherRpc(rpcs.get(n)!, await harness.start(n));
    await harness.eventually(`manager ${n} to vote`, () => voters(m1).includes(String(n)));
  }
  return { m1, addrs };
}

function workerSession(rpc: RpcClient, managers: string[]): Session {
  const description = describeNode(localNodeFacts('process', '0.1.0-test'));
  return new Session(
    { managers, description, policy: { backoffMaxMs: 200, callTimeoutMs: 2_000 } },
    { clock: systemClock, rng: new SeededRng(5), rpc },
  );
}

test('a worker heartbeats over mTLS: ready, then down once it stops, refused once removed', async () => {
  const { m1, addrs } = await threeManagers();
  await registerNode(m1.store, { nodeId: 'node-w', role: 'worker' });
  const workerIdentity = await pki.identity('node-w', 'worker');
  const rpc = new RpcClient(
    { tlsOptions: () => mutualTlsClientOptions(workerIdentity, pki.policy), timeoutMs: 2_000 },
    { clock: systemClock },
  );
  pki.defer(() => rpc.close());

  // Only a follower is given: the session must follow its redirect to the leader.
  const follower = addrs.get(2)!;
  const session = workerSession(rpc, [follower]);
  session.start();
  pki.defer(() => session.stop());
  const m3 = harness.running.get(3)!;
  await waitFor('node-w to be ready on a replica', 5_000, () => {
    const node = m3.store.get(nodes, 'node-w');
    return node?.Status.State === 'ready' && node;
  });
  const status = await waitFor('the session to connect', 2_000, () => {
    const s = session.status();
    return s.state === 'connected' && s;
  });
  assert.equal(status.manager, addrs.get(1));
  assert.deepEqual([...status.managers].sort(), [...addrs.values()].sort());
  const stored = m1.store.get(nodes, 'node-w')!;
  assert.equal(stored.Description?.Engine?.Labels?.['executor'], 'process');
  assert.equal(stored.Description?.Engine?.EngineVersion, '0.1.0-test');

  // Silence: after period × grace on the dispatcher's clock the leader marks it down.
  await session.stop();
  await harness.eventually(
    'node-w to be down',
    () => m1.store.get(nodes, 'node-w')?.Status.State === 'down',
  );
  assert.equal(m1.store.get(nodes, 'node-w')?.Status.Message, 'heartbeat failure');

  // Removed: its certificate is refused and a new session gives up.
  await removeNode(m1.store, 'node-w', false);
  const again = workerSession(rpc, [follower]);
  again.start();
  pki.defer(() => again.stop());
  const refused = await waitFor('the removed node to be refused', 5_000, () => {
    const s = again.status();
    return s.state === 'refused' && s;
  });
  assert.equal(refused.lastError?.code, 'CA_NODE_REMOVED');
});
