import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../support/wait-for.ts';
import { DaemonDir } from './daemon-harness.ts';

const dirs: DaemonDir[] = [];
after(async () => {
  for (const dir of dirs) await dir.remove();
});

/** 200 ms heartbeats: a silent node is down after 600 ms (grace 3). */
const FAST_HEARTBEATS = { Dispatcher: { HeartbeatPeriod: 200_000_000 } };

interface NodeJson {
  ID: string;
  Status: { State: string };
}

test("a manager's own agent heartbeats: its node stays ready across periods and a restart", async () => {
  const dir = await DaemonDir.create();
  dirs.push(dir);
  let daemon = await dir.start();
  try {
    const init = await dir.call('POST', '/swarm/init', {
      AdvertiseAddr: '127.0.0.1',
      Spec: FAST_HEARTBEATS,
    });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    const first = await waitFor('the agent to connect', () => {
      const status = daemon.swarm().agentStatus();
      return status?.state === 'connected' && status;
    });
    // Several periods (well past the 600 ms grace) of accepted heartbeats, node still ready.
    const later = await waitFor(
      'heartbeats over several periods',
      () => {
        const status = daemon.swarm().agentStatus();
        const since = (status?.lastSuccessAt ?? 0) - (first.lastSuccessAt ?? 0);
        return since >= 1_000 && status;
      },
      { timeoutMs: 5_000 },
    );
    assert.equal(later.state, 'connected');
    let nodes = (await dir.call('GET', '/nodes')).body as NodeJson[];
    assert.deepEqual(
      nodes.map((n) => n.Status.State),
      ['ready'],
    );

    // After a restart the new leader's dispatcher marks the node unknown; only heartbeats
    // make it ready again.
    await daemon.stop();
    daemon = await dir.start();
    await waitFor('the node to be ready after the restart', async () => {
      nodes = (await dir.call('GET', '/nodes')).body as NodeJson[];
      return nodes[0]?.Status.State === 'ready';
    });
  } finally {
    await daemon.stop();
  }
});
