import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Daemon } from '../../../src/daemon/daemon.ts';
import { waitFor } from '../../support/wait-for.ts';
import { DaemonDir } from './daemon-harness.ts';

const dirs: DaemonDir[] = [];
const running = new Set<Daemon>();
after(async () => {
  for (const daemon of running) await daemon.stop();
  for (const dir of dirs) await dir.remove();
});

async function startOn(hostname: string): Promise<{ dir: DaemonDir; daemon: Daemon }> {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  const daemon = await dir.start(hostname);
  running.add(daemon);
  return { dir, daemon };
}

interface NodeJson {
  ID: string;
  Description: { Hostname?: string };
  Status: { State: string };
  ManagerStatus?: { Leader?: boolean; Reachability: string };
}

interface InfoJson {
  Swarm: { NodeID: string; ControlAvailable: boolean; Managers?: number };
}

function byHost(nodes: NodeJson[]): string {
  return nodes
    .map((n) => `${n.Description.Hostname} ${n.Status.State} ${n.ManagerStatus?.Reachability}`)
    .sort()
    .join('|');
}

test('managers join with the manager token, become reachable voters and elect a new leader', async () => {
  const a = await startOn('node-a');
  const b = await startOn('node-b');
  const c = await startOn('node-c');
  assert.equal(
    (await a.dir.call('POST', '/swarm/init', { AdvertiseAddr: '127.0.0.1' })).status,
    200,
  );
  const token = ((await a.dir.call('GET', '/swarm')).body as { JoinTokens: { Manager: string } })
    .JoinTokens.Manager;
  const remote = a.daemon.state().swarm?.advertiseAddr ?? '';

  for (const joiner of [b, c]) {
    const reply = await joiner.dir.call('POST', '/swarm/join', {
      RemoteAddrs: [remote],
      JoinToken: token,
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal((await joiner.dir.call('GET', '/_ping')).headers.swarm, 'active/manager');
    await waitFor('the joined manager to be reachable on the leader', async () => {
      const nodes = (await a.dir.call('GET', '/nodes')).body as NodeJson[];
      const id = joiner.daemon.state().swarm?.nodeId;
      const node = nodes.find((n) => n.ID === id);
      return node?.ManagerStatus?.Reachability === 'reachable' && node.Status.State === 'ready';
    });
  }
  assert.equal(
    byHost((await a.dir.call('GET', '/nodes')).body as NodeJson[]),
    'node-a ready reachable|node-b ready reachable|node-c ready reachable',
  );
  // A joined manager serves manager reads from its own replica.
  await waitFor('node-b to read three nodes', async () => {
    const info = (await b.dir.call('GET', '/info')).body as InfoJson;
    return info.Swarm.ControlAvailable && info.Swarm.Managers === 3;
  });

  // A joined manager restarts as the same member, from its own Raft log.
  await b.daemon.stop();
  running.delete(b.daemon);
  b.daemon = await b.dir.start('node-b');
  running.add(b.daemon);
  await waitFor('the restarted node-b to catch up and serve reads', async () => {
    const info = (await b.dir.call('GET', '/info')).body as InfoJson;
    return info.Swarm.ControlAvailable && info.Swarm.Managers === 3;
  });

  // The leader goes away: the other two elect one of themselves.
  await a.daemon.stop();
  running.delete(a.daemon);
  const leader = await waitFor(
    'a new leader among node-b and node-c',
    async () => {
      const nodes = (await b.dir.call('GET', '/nodes')).body as NodeJson[] | undefined;
      const lead = Array.isArray(nodes) ? nodes.find((n) => n.ManagerStatus?.Leader) : undefined;
      return lead !== undefined && lead.Description.Hostname !== 'node-a' && lead;
    },
    { timeoutMs: 15_000 },
  );
  assert.ok(['node-b', 'node-c'].includes(leader.Description.Hostname ?? ''));
});
