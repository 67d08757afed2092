// Raft thesis §6.4: a linearizable read without writing to the log. The leader records its
// commit index as the read index, confirms it still leads with a round of heartbeats
// acknowledged by a majority, and only then releases the read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadState } from '../../../src/raft/core/types.ts';
import { elect, newCluster } from './support/network.ts';
import type { Network } from './support/network.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function reads(states: readonly ReadState[]): string[] {
  return states.map((rs) => `${decoder.decode(rs.requestCtx)}@${rs.index}`);
}

/** Three bootstrap entries, node 1 leads term 2 (no-op at 4), "a" committed at 5. */
function cluster(config: Parameters<typeof newCluster>[1] = {}): Network {
  const net = newCluster(3, config);
  elect(net, 1);
  net.propose(1, 'a');
  net.stabilize();
  assert.equal(net.status(1).hardState.commit, 5);
  return net;
}

test('the read index is the commit index, released once a majority acknowledges a heartbeat', () => {
  const net = cluster();
  // An entry appended but not yet committed (its appends are lost) does not move the
  // read index.
  net.propose(1, 'b');
  net.pending = [];
  net.peer(1).core.readIndex(encoder.encode('r1'));
  net.processReady(1);

  const probes = net.pending.filter((m) => m.type === 'heartbeat');
  assert.equal(probes.length, 2, 'a heartbeat to each follower');
  assert.ok(
    probes.every((m) => decoder.decode(m.context) === 'r1'),
    'tagged with the request',
  );
  assert.deepEqual(reads(net.peer(1).readStates), [], 'nothing is released before the round');

  // Node 2's acknowledgement alone makes a majority with the leader; node 3 hears nothing.
  net.deliver((m) => m.to === 2);
  net.pending = [];
  net.processReady(2);
  net.deliver((m) => m.from === 2 && m.type === 'heartbeatResp');
  net.processReady(1);
  assert.deepEqual(reads(net.peer(1).readStates), ['r1@5']);
  assert.equal(net.status(1).lastIndex, 6, 'entry 6 exists but is not covered by the read');
});

test('a follower forwards the read and receives the leader read index', () => {
  const net = cluster();
  net.peer(3).core.readIndex(encoder.encode('r-follower'));
  net.stabilize();
  assert.equal(net.countDelivered('readIndex', 3, 1), 1);
  assert.equal(net.countDelivered('readIndexResp', 1, 3), 1);
  assert.deepEqual(reads(net.peer(3).readStates), ['r-follower@5']);
  assert.deepEqual(reads(net.peer(1).readStates), [], 'the answer goes to the asker only');
});

test('a partitioned leader cannot serve a read, while the majority moves on', () => {
  const net = cluster({ checkQuorum: false });
  net.isolate(1);
  net.peer(1).core.readIndex(encoder.encode('stale?'));
  for (let i = 0; i < 20; i++) {
    net.tick(1);
    net.stabilize();
  }
  assert.equal(net.status(1).softState.role, 'leader', 'it still believes it leads');
  assert.deepEqual(reads(net.peer(1).readStates), [], 'but cannot confirm it, so never answers');

  // Meanwhile the others elect a leader and commit a write the old leader never saw:
  // answering the read at index 5 would have returned stale data.
  net.tick(2, 10);
  net.tick(3, 10);
  net.stabilize();
  elect(net, 2);
  net.propose(2, 'newer');
  net.stabilize();
  assert.ok(net.status(2).hardState.commit > 5);

  net.peer(2).core.readIndex(encoder.encode('fresh'));
  net.stabilize();
  assert.deepEqual(reads(net.peer(2).readStates), [`fresh@${net.status(2).hardState.commit}`]);

  net.heal();
  net.tick(2);
  net.stabilize();
  assert.equal(net.status(1).softState.leader, 2);
  assert.deepEqual(reads(net.peer(1).readStates), [], 'the old request died with the old term');
});

test('a new leader serves reads only after committing an entry of its own term', () => {
  const net = newCluster(3);
  net.campaign(1);
  // Run the election up to the moment node 1 leads, before its no-op is acknowledged.
  for (let i = 0; i < 10 && net.status(1).softState.role !== 'leader'; i++) {
    net.deliver();
    net.processAll();
  }
  assert.equal(net.status(1).softState.role, 'leader');
  assert.equal(net.status(1).hardState.commit, 3, 'only the bootstrap entries are committed');

  net.peer(1).core.readIndex(encoder.encode('early'));
  net.processReady(1);
  assert.deepEqual(reads(net.peer(1).readStates), []);
  net.stabilize();
  // The read waited for the no-op (index 4): its index covers every write of earlier leaders.
  assert.deepEqual(reads(net.peer(1).readStates), ['early@4']);
});
