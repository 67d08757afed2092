import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../src/base/errors.ts';
import { ResourceTracker } from '../support/resource-tracker.ts';
import { heartbeatAs, nodeCertificate, raftRefused } from './cluster-port.ts';
import type { DaemonProcess } from './daemon-process.ts';
import type { SwarmJson, TestCluster } from './harness.ts';
import { listNodes, startCluster } from './harness.ts';

const tracker = new ResourceTracker();
let home: TestCluster;
let other: TestCluster;

before(async () => {
  [home, other] = await Promise.all([
    startCluster({ managers: 1, tracker }),
    startCluster({ managers: 1, tracker }),
  ]);
});
after(async () => {
  await tracker.dispose();
  tracker.assertClean();
});

function firstManager(cluster: TestCluster): DaemonProcess {
  const manager = cluster.managers()[0];
  assert.ok(manager);
  return manager.process;
}

async function joinWith(daemon: DaemonProcess, via: DaemonProcess, token: string) {
  return daemon.api.call('POST', '/swarm/join', {
    ListenAddr: daemon.listenAddr,
    AdvertiseAddr: daemon.listenAddr,
    RemoteAddrs: [via.listenAddr],
    JoinToken: token,
  });
}

async function swarmOf(daemon: DaemonProcess): Promise<SwarmJson> {
  return (await daemon.api.ok('GET', '/swarm')) as SwarmJson;
}

test('wrong, rotated and other-cluster tokens are refused with Docker messages; the current one joins', async () => {
  const manager = firstManager(home);
  const joiner = await home.startDaemon();
  const old = await swarmOf(manager);
  const digest = old.JoinTokens.Worker.split('-')[2] ?? '';

  const wrong = await joinWith(joiner, manager, `SWMTKN-1-${digest}-${'0'.repeat(25)}`);
  assert.equal(wrong.status >= 400, true);
  assert.deepEqual(wrong.body, { message: 'A valid join token is necessary to join this cluster' });

  const foreign = await joinWith(
    joiner,
    manager,
    (await swarmOf(firstManager(other))).JoinTokens.Worker,
  );
  assert.equal(foreign.status >= 400, true);
  assert.match(
    (foreign.body as { message: string }).message,
    /^remote CA does not match fingerprint/,
  );

  await manager.api.ok(
    'POST',
    `/swarm/update?version=${old.Version.Index}&rotateWorkerToken=true`,
    old.Spec,
  );
  const rotated = await swarmOf(manager);
  assert.notEqual(rotated.JoinTokens.Worker, old.JoinTokens.Worker);
  assert.equal(rotated.JoinTokens.Manager, old.JoinTokens.Manager);
  const stale = await joinWith(joiner, manager, old.JoinTokens.Worker);
  assert.deepEqual(stale.body, { message: 'A valid join token is necessary to join this cluster' });
  const info = (await joiner.api.ok('GET', '/info')) as { Swarm: { LocalNodeState: string } };
  assert.equal(info.Swarm.LocalNodeState, 'inactive');

  const joined = await joinWith(joiner, manager, rotated.JoinTokens.Worker);
  assert.equal(joined.status, 200, JSON.stringify(joined.body));
  const nodes = await listNodes(manager.api);
  assert.equal(nodes.length, 2);
});

test('the cluster port refuses RPC and Raft without a certificate of this cluster', async () => {
  const manager = firstManager(home);
  const address = manager.listenAddr;
  const own = await nodeCertificate(manager);
  const foreign = await nodeCertificate(firstManager(other));

  // The manager's own certificate passes, so the refusals below are about the certificate.
  const reply = (await heartbeatAs(address, own)) as { periodMs: number };
  assert.equal(typeof reply.periodMs, 'number');

  for (const [who, pem] of [
    ['no certificate', undefined],
    ['another cluster', foreign],
  ] as const) {
    await assert.rejects(heartbeatAs(address, pem), (err: unknown) => {
      assert.ok(err instanceof ShoalError, `${who}: ${String(err)}`);
      assert.notEqual(err.code, 'RPC_TIMEOUT', who);
      return true;
    });
    assert.equal(await raftRefused(address, pem), true, who);
  }
});
