// Raft thesis §3.10: the leader hands leadership to a chosen voter by bringing its log up
// to date and telling it to campaign at once (timeoutNow). Proposals wait meanwhile, and a
// transfer that does not finish within an election timeout is abandoned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProposalDroppedError } from '../../../src/raft/core/types.ts';
import { elect, newCluster, texts } from './support/network.ts';

const ELECTION_TICK = 10;

// The cluster bootstraps with three conf-change entries of term 1; node 1 then leads term 2
// with its empty entry at index 4 and "a" at index 5.

function cluster(): ReturnType<typeof newCluster> {
  const net = newCluster(3, { electionTick: ELECTION_TICK });
  elect(net, 1);
  net.propose(1, 'a');
  net.stabilize();
  return net;
}

test('leadership moves to an up-to-date follower in one term', () => {
  const net = cluster();
  const before = net.delivered.length;
  net.peer(1).core.transferLeader(2);
  net.stabilize();
  const sinceTransfer = net.delivered.slice(before);

  assert.deepEqual(net.leaders(), [{ id: 2, term: 3 }]);
  for (const id of [1, 3]) {
    const { hardState, softState } = net.status(id);
    assert.equal(softState.leader, 2, `node ${id}`);
    assert.equal(hardState.term, 3, `node ${id}`);
  }
  assert.equal(net.countDelivered('timeoutNow', 1, 2), 1);
  // The transferee skips pre-vote (it was told to campaign) and overrides the lease of 3.
  assert.deepEqual(
    sinceTransfer
      .filter((m) => m.type === 'preVote' || m.type === 'vote')
      .map((m) => `${m.type} ${m.from}->${m.to}`),
    ['vote 2->1', 'vote 2->3'],
  );
  assert.equal(net.status(2).leadTransferee, 0);
  net.propose(2, 'b');
  net.stabilize();
  for (const id of [1, 2, 3])
    assert.deepEqual(texts(net.peer(id).applied), ['a', 'b'], `node ${id}`);
});

test('a lagging transferee is caught up before it is told to campaign', () => {
  const net = cluster();
  net.isolate(3);
  for (const text of ['x', 'y', 'z']) net.propose(1, text);
  net.stabilize();
  assert.equal(net.status(3).lastIndex, 5);
  net.heal();

  net.peer(1).core.transferLeader(3);
  assert.equal(net.status(1).leadTransferee, 3);
  net.processReady(1);
  // The first thing sent to 3 is an append, not timeoutNow: 3 lacks entries 6 to 8.
  const first = net.pending.find((m) => m.to === 3);
  assert.equal(first?.type, 'app');
  assert.throws(
    () => net.propose(1, 'during'),
    (e: unknown) => e instanceof ProposalDroppedError && e.reason === 'transferInProgress',
  );
  net.stabilize();

  assert.deepEqual(net.leaders(), [{ id: 3, term: 3 }]);
  const timeoutNow = net.delivered.findIndex((m) => m.type === 'timeoutNow');
  const lastAppendAck = net.delivered.findIndex(
    (m) => m.type === 'appResp' && m.from === 3 && m.index === 8 && !m.reject,
  );
  assert.ok(lastAppendAck >= 0 && lastAppendAck < timeoutNow, 'caught up first, then timeoutNow');
  for (const id of [1, 2, 3]) {
    assert.deepEqual(texts(net.peer(id).applied), ['a', 'x', 'y', 'z'], `node ${id}`);
  }
  assert.deepEqual(net.logTerms(3), [1, 1, 1, 2, 2, 2, 2, 2, 3]);
});

test('a transfer to an unreachable member is abandoned after an election timeout', () => {
  const net = cluster();
  net.isolate(3);
  net.peer(1).core.transferLeader(3);
  net.stabilize();
  assert.equal(net.status(1).leadTransferee, 3);

  let abortedAfter = 0;
  for (let i = 1; i <= ELECTION_TICK; i++) {
    // Proposals are refused for as long as the transfer lasts.
    assert.throws(
      () => net.propose(1, `refused-${i}`),
      (e: unknown) => e instanceof ProposalDroppedError && e.reason === 'transferInProgress',
    );
    net.tick(1);
    net.stabilize();
    if (net.status(1).leadTransferee === 0) {
      abortedAfter = i;
      break;
    }
  }
  assert.equal(abortedAfter, ELECTION_TICK, 'abandoned once an election timeout passed');
  assert.deepEqual(net.leaders(), [{ id: 1, term: 2 }]);
  assert.equal(net.countDelivered('timeoutNow', 1, 3), 0);

  // Leadership is usable again at once.
  net.propose(1, 'after');
  net.stabilize();
  assert.deepEqual(texts(net.peer(2).applied), ['a', 'after']);
});

test('a transfer request naming the leader itself is ignored', () => {
  const net = cluster();
  net.peer(1).core.transferLeader(1);
  net.stabilize();
  assert.equal(net.status(1).leadTransferee, 0);
  assert.deepEqual(net.leaders(), [{ id: 1, term: 2 }]);
});

test('a follower asked to transfer forwards the request to the leader', () => {
  const net = cluster();
  net.peer(3).core.transferLeader(3);
  net.stabilize();
  assert.deepEqual(net.leaders(), [{ id: 3, term: 3 }]);
  assert.equal(net.countDelivered('transferLeader', 3, 1), 1);
});
