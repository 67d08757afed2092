// Raft thesis §6.2: a leader that has not heard from a majority within an election timeout
// steps down, so clients stop talking to a leader that cannot commit anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, elect, newCluster } from './support/network.ts';

const ELECTION_TICK = 10;

test('a connected leader keeps leading through many election timeouts', () => {
  const net = newCluster(3, { checkQuorum: true, electionTick: ELECTION_TICK });
  elect(net, 1);
  for (let i = 0; i < 5 * ELECTION_TICK; i++) {
    net.tick(1);
    net.stabilize();
  }
  assert.deepEqual(net.leaders(), [{ id: 1, term: 2 }]);
});

test('an isolated leader steps down at the first quorum check after an election timeout of silence', () => {
  const net = newCluster(3, { checkQuorum: true, electionTick: ELECTION_TICK });
  elect(net, 1);
  net.tick(1, 3);
  net.stabilize();
  assert.equal(net.status(1).softState.role, 'leader');

  net.isolate(1);
  let steppedDownAfter = 0;
  for (let i = 1; i <= 3 * ELECTION_TICK; i++) {
    net.tick(1);
    net.stabilize();
    if (net.status(1).softState.role !== 'leader') {
      steppedDownAfter = i;
      break;
    }
  }
  // Quorum checks run every election timeout and look back over the window since the
  // previous one; the window in which the partition began still had answers in it, so the
  // step-down comes at the end of the next one: after at most two election timeouts.
  assert.ok(steppedDownAfter > 0, 'still leader after three election timeouts without a quorum');
  assert.ok(steppedDownAfter <= 2 * ELECTION_TICK, `stepped down after ${steppedDownAfter} ticks`);
  const { hardState, softState } = net.status(1);
  assert.equal(softState.role, 'follower');
  assert.equal(softState.leader, 0);
  assert.equal(hardState.term, 2, 'stepping down does not start a new term');
  assert.ok(net.dropped.some((m) => m.type === 'heartbeat' && m.from === 1));
});

test('a leader that hears from a majority survives the loss of a minority', () => {
  const net = newCluster(3, { checkQuorum: true, electionTick: ELECTION_TICK });
  elect(net, 1);
  net.isolate(3);
  for (let i = 0; i < 5 * ELECTION_TICK; i++) {
    net.tick(1);
    net.stabilize();
  }
  assert.deepEqual(net.leaders(), [{ id: 1, term: 2 }]);
});

test('without check-quorum the isolated leader never notices', () => {
  const net = newCluster(3, { checkQuorum: false, electionTick: ELECTION_TICK });
  elect(net, 1);
  net.isolate(1);
  for (let i = 0; i < 5 * ELECTION_TICK; i++) {
    net.tick(1);
    net.stabilize();
  }
  assert.deepEqual(net.leaders(), [{ id: 1, term: 2 }]);
});

test('the majority side elects a new leader and the old one follows it after healing', () => {
  // Node 3 has the longest timeout (19 ticks), so node 2 (10 ticks) stands first, once
  // node 3's lease on the old leader (one election timeout without hearing it) is over.
  const net = new Network();
  const random: Record<number, number> = { 1: 0, 2: 0, 3: 0.9 };
  for (const id of [1, 2, 3]) {
    const r = random[id] ?? 0;
    net.add(id, { voters: [1, 2, 3], config: { electionTick: ELECTION_TICK, random: () => r } });
  }
  elect(net, 1);
  net.isolate(1);
  for (let i = 0; i < 3 * ELECTION_TICK && net.status(2).softState.role !== 'leader'; i++) {
    for (const id of [1, 2, 3]) net.tick(id);
    net.stabilize();
  }
  assert.equal(net.status(2).softState.role, 'leader');
  assert.equal(net.status(2).hardState.term, 3);
  // The old leader, alone, notices by itself that it lost its majority.
  for (let i = 0; i < 2 * ELECTION_TICK && net.status(1).softState.role === 'leader'; i++) {
    net.tick(1);
    net.stabilize();
  }
  assert.notEqual(net.status(1).softState.role, 'leader');
  assert.equal(net.status(1).hardState.term, 2, 'its pre-votes, all lost, did not raise its term');

  net.heal();
  net.tick(2);
  net.stabilize();
  assert.deepEqual(net.leaders(), [{ id: 2, term: 3 }]);
  assert.equal(net.status(1).softState.leader, 2);
  assert.equal(net.status(1).hardState.term, 3);
});
