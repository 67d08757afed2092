import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCaDigest } from '../../../src/manager/ca/root-ca.ts';
import { waitFor } from '../../support/wait-for.ts';
import { DaemonDir } from './daemon-harness.ts';

const dirs: DaemonDir[] = [];
after(async () => {
  for (const dir of dirs) await dir.remove();
});

interface SwarmJson {
  ID: string;
  JoinTokens: { Worker: string; Manager: string };
  TLSInfo: { TrustRoot: string };
}

interface InfoJson {
  Swarm: {
    NodeID: string;
    NodeAddr: string;
    LocalNodeState: string;
    ControlAvailable: boolean;
    RemoteManagers: { NodeID: string; Addr: string }[] | null;
    Nodes?: number;
    Managers?: number;
    Cluster?: { ID: string };
  };
}

interface NodeJson {
  ID: string;
  Status: { State: string; Addr: string };
  ManagerStatus?: { Leader?: boolean; Reachability: string; Addr: string };
  Description: { Hostname?: string };
}

async function newDir(): Promise<DaemonDir> {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  return dir;
}

test('swarm init makes an active single-manager swarm that survives a restart', async () => {
  const dir = await newDir();
  let daemon = await dir.start();
  try {
    const init = await dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    const nodeId = init.body as string;

    const info = (await dir.call('GET', '/info')).body as InfoJson;
    assert.equal(info.Swarm.LocalNodeState, 'active');
    assert.equal(info.Swarm.NodeID, nodeId);
    assert.equal(info.Swarm.NodeAddr, '127.0.0.1');
    assert.equal(info.Swarm.ControlAvailable, true);
    assert.equal(info.Swarm.Nodes, 1);
    assert.equal(info.Swarm.Managers, 1);
    assert.equal(info.Swarm.RemoteManagers?.[0]?.NodeID, nodeId);
    const advertised = info.Swarm.RemoteManagers?.[0]?.Addr ?? '';
    assert.match(advertised, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(advertised, '127.0.0.1:0');
    const ping = await dir.call('GET', '/_ping');
    assert.equal(ping.headers.swarm, 'active/manager');

    const swarm = (await dir.call('GET', '/swarm')).body as SwarmJson;
    assert.equal(info.Swarm.Cluster?.ID, swarm.ID);
    const digest = rootCaDigest(swarm.TLSInfo.TrustRoot);
    assert.ok(swarm.JoinTokens.Worker.startsWith(`SWMTKN-1-${digest}-`));
    assert.ok(swarm.JoinTokens.Manager.startsWith(`SWMTKN-1-${digest}-`));

    const nodes = (await dir.call('GET', '/nodes')).body as NodeJson[];
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0]?.ID, nodeId);
    assert.equal(nodes[0]?.Status.State, 'ready');
    assert.equal(nodes[0]?.ManagerStatus?.Leader, true);
    assert.equal(nodes[0]?.ManagerStatus?.Reachability, 'reachable');
    assert.equal(nodes[0]?.Description.Hostname, 'node-1');

    const state = JSON.parse(await readFile(join(dir.dataDir, 'state.json'), 'utf8')) as {
      swarm: { nodeId: string; clusterId: string; role: string; advertiseAddr: string };
    };
    assert.deepEqual(
      [state.swarm.nodeId, state.swarm.clusterId, state.swarm.role, state.swarm.advertiseAddr],
      [nodeId, swarm.ID, 'manager', advertised],
    );
    const keyMode = (await stat(join(dir.dataDir, 'certificates', 'swarm-node.key'))).mode;
    assert.equal(keyMode & 0o777, 0o600);

    await daemon.stop();
    daemon = await dir.start();
    const again = (await dir.call('GET', '/swarm')).body as SwarmJson;
    assert.equal(again.ID, swarm.ID);
    assert.deepEqual(again.JoinTokens, swarm.JoinTokens);
    const after = (await dir.call('GET', '/info')).body as InfoJson;
    assert.equal(after.Swarm.NodeID, nodeId);
    assert.equal(after.Swarm.RemoteManagers?.[0]?.Addr, advertised);
    const leaderNodes = await daemon.swarm().listNodes(new Map());
    assert.deepEqual(
      leaderNodes.map((n) => n.ID),
      [nodeId],
    );
    // Writes need the leader: after the restart the manager elects itself again.
    await waitForWrite(dir);
  } finally {
    await daemon.stop();
  }
});

async function waitForWrite(dir: DaemonDir): Promise<void> {
  const swarm = (await dir.call('GET', '/swarm')).body as SwarmJson & {
    Version: { Index: number };
    Spec: Record<string, unknown>;
  };
  await waitFor('the restarted manager to accept a swarm update', async () => {
    const reply = await dir.call(
      'POST',
      `/swarm/update?version=${swarm.Version.Index}&rotateWorkerToken=true`,
      swarm.Spec,
    );
    if (reply.status !== 200 && reply.status !== 503) assert.fail(JSON.stringify(reply.body));
    return reply.status === 200 || undefined;
  });
  const updated = (await dir.call('GET', '/swarm')).body as SwarmJson;
  assert.notEqual(updated.JoinTokens.Worker, swarm.JoinTokens.Worker);
  assert.equal(updated.JoinTokens.Manager, swarm.JoinTokens.Manager);
}

test('init twice is refused; leave needs --force on a manager, then init works again', async () => {
  const dir = await newDir();
  const daemon = await dir.start();
  try {
    const first = await dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' });
    assert.equal(first.status, 200);
    const twice = await dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' });
    assert.equal(twice.status, 503);
    assert.match((twice.body as { message: string }).message, /already part of a swarm/);

    const leave = await dir.call('POST', '/swarm/leave');
    assert.equal(leave.status, 503);
    assert.match((leave.body as { message: string }).message, /Use `--force`/);

    const forced = await dir.call('POST', '/swarm/leave?force=1');
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    const info = (await dir.call('GET', '/info')).body as InfoJson;
    assert.equal(info.Swarm.LocalNodeState, 'inactive');
    assert.equal((await dir.call('GET', '/_ping')).headers.swarm, 'inactive');
    const off = await dir.call('GET', '/nodes');
    assert.equal(off.status, 503);
    assert.match((off.body as { message: string }).message, /not a swarm manager/);
    await assert.rejects(stat(join(dir.dataDir, 'certificates')), { code: 'ENOENT' });
    await assert.rejects(stat(join(dir.dataDir, 'raft')), { code: 'ENOENT' });

    const second = await dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' });
    assert.equal(second.status, 200);
    assert.notEqual(second.body, first.body);
    const nodes = (await dir.call('GET', '/nodes')).body as NodeJson[];
    assert.deepEqual(
      nodes.map((n) => n.ID),
      [second.body],
    );
  } finally {
    await daemon.stop();
  }
});

test('a daemon whose swarm files are gone refuses to start rather than leave the swarm silently', async () => {
  const dir = await newDir();
  const daemon = await dir.start();
  try {
    assert.equal(
      (await dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' })).status,
      200,
    );
  } finally {
    await daemon.stop();
  }
  await rm(join(dir.dataDir, 'certificates'), { recursive: true });
  await assert.rejects(dir.start(), {
    code: 'NODE_STATE_CORRUPT',
    message: /swarm files are unreadable/,
  });
  // The failed start released the data dir: a fixed node starts again.
  const state = JSON.parse(await readFile(join(dir.dataDir, 'state.json'), 'utf8')) as object;
  await writeFile(join(dir.dataDir, 'state.json'), JSON.stringify({ ...state, swarm: null }));
  const inactive = await dir.start();
  try {
    assert.equal((await dir.call('GET', '/_ping')).headers.swarm, 'inactive');
  } finally {
    await inactive.stop();
  }
});
