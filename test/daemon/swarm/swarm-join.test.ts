import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '../../support/wait-for.ts';
import { DaemonDir } from './daemon-harness.ts';

const dirs: DaemonDir[] = [];
after(async () => {
  for (const dir of dirs) await dir.remove();
});

async function newDir(): Promise<DaemonDir> {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  return dir;
}

interface NodeJson {
  ID: string;
  Spec: { Role: string };
  Status: { State: string };
  Description: { Hostname?: string };
}

interface InfoJson {
  Swarm: { NodeID: string; LocalNodeState: string; ControlAvailable: boolean };
}

/** 200 ms heartbeats: a silent node is down after 600 ms (grace 3). */
const FAST_HEARTBEATS = { Dispatcher: { HeartbeatPeriod: 200_000_000 } };

test('a worker joins with the worker token, heartbeats, survives a restart, and leaves', async () => {
  const [a, b] = [await newDir(), await newDir()];
  const managerDaemon = await a.start('node-a');
  let worker = await b.start('node-b');
  try {
    assert.equal(
      (await a.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1', Spec: FAST_HEARTBEATS }))
        .status,
      200,
    );
    const tokens = ((await a.call('GET', '/swarm')).body as { JoinTokens: { Worker: string } })
      .JoinTokens;
    const remote = managerDaemon.state().swarm?.advertiseAddr ?? '';

    const none = await b.call('POST', '/swarm/join', { RemoteAddrs: [], JoinToken: tokens.Worker });
    assert.equal(none.status, 400);
    const wrong = await b.call('POST', '/swarm/join', {
      RemoteAddrs: [remote],
      JoinToken: tokens.Worker.replace(/-[0-9a-z]+$/, '-0123456789abcdefghijklmnopqrstuv'),
    });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.match((wrong.body as { message: string }).message, /token/i);
    assert.equal(
      ((await b.call('GET', '/info')).body as InfoJson).Swarm.LocalNodeState,
      'inactive',
    );

    const joined = await b.call('POST', '/swarm/join', {
      RemoteAddrs: [remote],
      JoinToken: tokens.Worker,
    });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    const info = ((await b.call('GET', '/info')).body as InfoJson).Swarm;
    assert.equal(info.LocalNodeState, 'active');
    assert.equal(info.ControlAvailable, false);
    assert.equal((await b.call('GET', '/_ping')).headers.swarm, 'active/worker');
    const refused = await b.call('GET', '/nodes');
    assert.equal(refused.status, 503);
    assert.match((refused.body as { message: string }).message, /Worker nodes can't be used/);
    const state = JSON.parse(await readFile(join(b.dataDir, 'state.json'), 'utf8')) as {
      swarm: { role: string; managers: string[] };
    };
    assert.deepEqual([state.swarm.role, state.swarm.managers], ['worker', [remote]]);

    const bothReady = async (): Promise<NodeJson[] | undefined> => {
      const nodes = (await a.call('GET', '/nodes')).body as NodeJson[];
      return nodes.length === 2 && nodes.every((n) => n.Status.State === 'ready')
        ? nodes
        : undefined;
    };
    const nodes = await waitFor('both nodes ready on the manager', bothReady);
    const workerNode = nodes.find((n) => n.ID === info.NodeID);
    assert.equal(workerNode?.Spec.Role, 'worker');
    assert.equal(workerNode?.Description.Hostname, 'node-b');

    // A restarted worker resumes its session from state.json.
    await worker.stop();
    worker = await b.start('node-b');
    assert.equal(((await b.call('GET', '/info')).body as InfoJson).Swarm.NodeID, info.NodeID);
    await waitFor('the restarted worker to heartbeat', () => {
      const status = worker.swarm().agentStatus();
      return status?.state === 'connected';
    });

    const left = await b.call('POST', '/swarm/leave');
    assert.equal(left.status, 200, JSON.stringify(left.body));
    assert.equal(
      ((await b.call('GET', '/info')).body as InfoJson).Swarm.LocalNodeState,
      'inactive',
    );
    await waitFor('the manager to show the worker down', async () => {
      const all = (await a.call('GET', '/nodes')).body as NodeJson[];
      return all.find((n) => n.ID === info.NodeID)?.Status.State === 'down';
    });
  } finally {
    await worker.stop();
    await managerDaemon.stop();
  }
});
