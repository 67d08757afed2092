import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../../src/base/clock.ts';
import { SystemClock } from '../../../src/base/clock.ts';
import { silentLogger } from '../../../src/base/logger.ts';
import type { EngineSwarm } from '../../../src/api/objects/cluster.ts';
import type { EngineNode } from '../../../src/api/objects/node.ts';
import { rotationProgress } from '../../../src/cli/commands/swarm/swarm-ca.ts';
import { daemonConfigFrom } from '../../../src/daemon/config.ts';
import { Daemon } from '../../../src/daemon/daemon.ts';
import { verifyNodeCertificateChain } from '../../../src/manager/ca/certificate-chain.ts';
import { parseJoinToken } from '../../../src/manager/ca/join-token.ts';
import { readNodeIdentity } from '../../../src/manager/ca/node-certificate.ts';
import type { NodeIdentity } from '../../../src/manager/ca/node-certificate.ts';
import { rootCaDigest } from '../../../src/manager/ca/root-ca.ts';
import { mutualTlsClientOptions } from '../../../src/manager/ca/tls-identity.ts';
import { managersMethod } from '../../../src/manager/dispatcher/rpc-methods.ts';
import { RpcClient } from '../../../src/manager/rpc/rpc-client.ts';
import { waitFor } from '../../support/wait-for.ts';
import { DaemonDir } from './daemon-harness.ts';

const dirs: DaemonDir[] = [];
const daemons: Daemon[] = [];
after(async () => {
  for (const daemon of daemons.reverse()) await daemon.stop();
  for (const dir of dirs) await dir.remove();
});

/** The system clock moved by `shiftMs`: a node that believes its certificate is older. */
class ShiftedClock implements Clock {
  shiftMs = 0;
  private readonly system = new SystemClock();
  now(): number {
    return this.system.now() + this.shiftMs;
  }
  setTimer(ms: number, fn: () => void): () => void {
    return this.system.setTimer(ms, fn);
  }
}

/** Fast Raft ticks; each node asks the leader about its certificate every 100 ms. */
const fastTiming = { tickMs: 10, certificateCheckMs: 100 };

/** A daemon on a fresh dir with {@link fastTiming}. */
async function startNode(hostname: string, clock: Clock = new SystemClock()): Promise<DaemonDir> {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  const config = daemonConfigFrom({
    dataDir: dir.dataDir,
    apiSocket: dir.socket,
    listenAddr: '127.0.0.1:0',
    hostname,
  });
  const daemon = new Daemon(config, {
    clock,
    logger: silentLogger,
    identity: { version: '0.1.0-test' },
    swarmTiming: fastTiming,
  });
  await daemon.start();
  daemons.push(daemon);
  return dir;
}

/** 200 ms heartbeats: a silent node is down after 600 ms. */
const FAST_HEARTBEATS = { Dispatcher: { HeartbeatPeriod: 200_000_000 } };

async function ok(dir: DaemonDir, method: string, path: string, body?: unknown): Promise<unknown> {
  const reply = await dir.call(method, path, body);
  assert.ok(reply.status < 300, `${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function swarmOf(dir: DaemonDir): Promise<EngineSwarm> {
  return (await ok(dir, 'GET', '/swarm')) as EngineSwarm;
}

async function nodesOf(dir: DaemonDir): Promise<EngineNode[]> {
  return (await ok(dir, 'GET', '/nodes')) as EngineNode[];
}

async function initWith(manager: DaemonDir, spec: object = {}): Promise<EngineSwarm> {
  await ok(manager, 'POST', '/swarm/init', {
    AdvertiseAddr: '127.0.0.1',
    Spec: { ...FAST_HEARTBEATS, ...spec },
  });
  return swarmOf(manager);
}

async function joinWith(node: DaemonDir, token: string, via: DaemonDir): Promise<void> {
  const addr = (await swarmInfo(via)).NodeAddr;
  const remote = (await nodesOf(via)).find((n) => n.ManagerStatus?.Leader)?.ManagerStatus?.Addr;
  assert.ok(remote, `no leader address on ${addr}`);
  await ok(node, 'POST', '/swarm/join', { RemoteAddrs: [remote], JoinToken: token });
}

async function swarmInfo(dir: DaemonDir): Promise<{ NodeID: string; NodeAddr: string }> {
  return ((await ok(dir, 'GET', '/info')) as { Swarm: { NodeID: string; NodeAddr: string } }).Swarm;
}

async function certificateOf(
  dir: DaemonDir,
): Promise<{ chain: string; key: string; roots: string }> {
  const certs = join(dir.dataDir, 'certificates');
  return {
    chain: await readFile(join(certs, 'swarm-node.crt'), 'utf8'),
    key: await readFile(join(certs, 'swarm-node.key'), 'utf8'),
    roots: await readFile(join(certs, 'swarm-root-ca.crt'), 'utf8'),
  };
}

async function identityOf(dir: DaemonDir): Promise<NodeIdentity> {
  return readNodeIdentity((await certificateOf(dir)).chain);
}

/** Every node listed as ready, `count` of them. */
async function allReady(manager: DaemonDir, count: number): Promise<EngineNode[] | undefined> {
  const nodes = await nodesOf(manager);
  return nodes.length === count && nodes.every((n) => n.Status.State === 'ready')
    ? nodes
    : undefined;
}

/** Whether the manager at `addr` answers a node presenting `cert`/`key` and trusting `roots`. */
async function accepted(
  addr: string,
  cert: { chain: string; key: string },
  roots: string,
): Promise<boolean> {
  const identity = { keyPem: cert.key, certChainPem: cert.chain, trustedRootsPem: [roots] };
  const policy = {
    clusterId: readNodeIdentity(cert.chain).clusterId,
    now: () => Date.now(),
    isRemoved: () => false,
  };
  const client = new RpcClient(
    { tlsOptions: () => mutualTlsClientOptions(identity, policy), timeoutMs: 5_000 },
    { clock: new SystemClock() },
  );
  try {
    await client.call(addr, managersMethod, {});
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

test('swarm ca rotation: every node moves to the new root, the old one is dropped, the cluster keeps working', async () => {
  const [a, b, c] = [
    await startNode('node-a'),
    await startNode('node-b'),
    await startNode('node-c'),
  ];
  const before = await initWith(a);
  await joinWith(b, before.JoinTokens.Manager, a);
  await joinWith(c, before.JoinTokens.Worker, a);
  await waitFor(
    'three ready nodes that report their certificates',
    async () => {
      const nodes = await allReady(a, 3);
      return nodes?.every((n) => n.Description.TLSInfo?.CertIssuerPublicKey !== undefined);
    },
    { timeoutMs: 20_000 },
  );
  const oldRoot = before.TLSInfo.TrustRoot ?? '';
  const oldWorkerCert = await certificateOf(c);

  const spec = before.Spec;
  const ca = spec.CAConfig ?? {};
  const current = await swarmOf(a);
  await ok(a, 'POST', `/swarm/update?version=${current.Version.Index}`, {
    ...spec,
    CAConfig: { ...ca, ForceRotate: (ca.ForceRotate ?? 0) + 1 },
  });

  const after = await waitFor(
    'the rotation to converge as `swarm ca --rotate` sees it',
    async () => {
      const swarm = await swarmOf(a);
      const nodes = await nodesOf(a);
      const progress = rotationProgress(swarm, nodes);
      return progress.done && progress.text.includes('CA certificates 3/3') ? swarm : undefined;
    },
    { timeoutMs: 30_000 },
  );
  const newRoot = after.TLSInfo.TrustRoot ?? '';
  assert.notEqual(newRoot, oldRoot);
  assert.equal(after.RootRotationInProgress, false);
  assert.equal(parseJoinToken(after.JoinTokens.Worker).rootDigest, rootCaDigest(newRoot));

  // Every node holds a certificate from the new root and trusts it alone.
  for (const dir of [a, b, c]) {
    await waitFor(
      'the node to trust the new root alone',
      async () => (await certificateOf(dir)).roots === newRoot,
    );
    verifyNodeCertificateChain((await certificateOf(dir)).chain, [newRoot], Date.now());
  }
  assert.equal((await identityOf(b)).role, 'manager');
  assert.equal((await identityOf(c)).role, 'worker');

  // An old-root certificate is refused; the worker's new one is accepted.
  const leaderAddr =
    (await nodesOf(a)).find((n) => n.ManagerStatus?.Leader)?.ManagerStatus?.Addr ?? '';
  assert.equal(await accepted(leaderAddr, oldWorkerCert, newRoot), false);
  assert.equal(await accepted(leaderAddr, await certificateOf(c), newRoot), true);

  // The cluster keeps working: heartbeats go on, a write is accepted, a node joins with the new token.
  const rotatedAt = Date.now();
  for (const daemon of daemons.slice(0, 3)) {
    await waitFor(
      'a heartbeat after the rotation',
      () => (daemon.swarm().agentStatus()?.lastSuccessAt ?? 0) > rotatedAt,
    );
  }
  const workerId = (await swarmInfo(c)).NodeID;
  const worker = (await nodesOf(a)).find((n) => n.ID === workerId);
  assert.ok(worker);
  await ok(a, 'POST', `/nodes/${workerId}/update?version=${worker.Version.Index}`, {
    ...worker.Spec,
    Labels: { rotated: 'yes' },
  });
  const d = await startNode('node-d');
  assert.equal(
    (
      await d.call('POST', '/swarm/join', {
        RemoteAddrs: [leaderAddr],
        JoinToken: before.JoinTokens.Worker,
      })
    ).status,
    400,
  );
  await joinWith(d, after.JoinTokens.Worker, a);
  await waitFor('four ready nodes', () => allReady(a, 4), { timeoutMs: 20_000 });
});

test('a worker renews its certificate before expiry, and a promoted worker gets a manager certificate', async () => {
  const manager = await startNode('node-m');
  const clock = new ShiftedClock();
  const workerDir = await startNode('node-w', clock);
  const swarm = await initWith(manager, { CAConfig: { NodeCertExpiry: 3_600_000_000_000 } });
  await joinWith(workerDir, swarm.JoinTokens.Worker, manager);
  await waitFor('two ready nodes', () => allReady(manager, 2), { timeoutMs: 20_000 });
  const first = await identityOf(workerDir);
  assert.equal(first.notAfter - first.notBefore, 2 * 3_600_000, 'one hour, backdated one hour');

  // 80 % of a 2 h validity is 36 min after issue: 45 min later the renewal is overdue.
  clock.shiftMs = 45 * 60_000;
  const renewed = await waitFor('a renewed certificate', async () => {
    const now = await identityOf(workerDir);
    return now.serialNumber !== first.serialNumber ? now : undefined;
  });
  clock.shiftMs = 0;
  assert.equal(renewed.nodeId, first.nodeId);
  assert.equal(renewed.role, 'worker');
  const workerId = renewed.nodeId;
  const heartbeat = Date.now();
  const daemon = daemons[daemons.length - 1];
  assert.ok(daemon);
  await waitFor(
    'a heartbeat with the renewed certificate',
    () => (daemon.swarm().agentStatus()?.lastSuccessAt ?? 0) > heartbeat,
  );

  const node = (await nodesOf(manager)).find((n) => n.ID === workerId);
  assert.ok(node);
  await ok(manager, 'POST', `/nodes/${workerId}/update?version=${node.Version.Index}`, {
    ...node.Spec,
    Role: 'manager',
  });
  const promoted = await waitFor('a manager certificate', async () => {
    const now = await identityOf(workerDir);
    return now.role === 'manager' ? now : undefined;
  });
  assert.equal(promoted.nodeId, workerId);
});
