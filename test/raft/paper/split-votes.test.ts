// Raft §5.2: when votes split nobody wins the term, and randomised election timeouts make
// one candidate time out first and win the next term.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from './support/network.ts';

const VOTERS = [1, 2, 3, 4, 5];
/** Bootstrapping writes one conf change per voter in term 1; elections start at term 2. */
const BOOTSTRAP_ENTRIES = VOTERS.length;

/**
 * Five voters, node 5 down. Timeouts are 10 + floor(random × 10) ticks: node 2 draws the
 * shortest (10), node 1 the next (15), nodes 3 and 4 the longest (17). Pre-vote and
 * check-quorum are off so that the paper's plain election is what runs.
 */
function splitVoteNetwork(): Network {
  const net = new Network();
  const random: Record<number, number> = { 1: 0.5, 2: 0, 3: 0.7, 4: 0.7, 5: 0.7 };
  for (const id of VOTERS) {
    const r = random[id] ?? 0;
    net.add(id, {
      voters: VOTERS,
      config: { preVote: false, checkQuorum: false, random: () => r },
    });
  }
  net.isolate(5);
  return net;
}

/** Nodes 1 and 2 stand in term 2 at once; 3 hears 1 first and 4 hears 2 first. */
function splitTheVote(net: Network): void {
  net.campaign(1);
  net.campaign(2);
  net.deliver((m) => (m.from === 1 && m.to === 3) || (m.from === 2 && m.to === 4));
  net.stabilize();
}

test('two candidates in the same term split the vote and nobody wins', () => {
  const net = splitVoteNetwork();
  splitTheVote(net);

  assert.deepEqual(net.leaders(), []);
  for (const id of [1, 2]) {
    const { hardState, softState } = net.status(id);
    assert.equal(softState.role, 'candidate');
    assert.equal(hardState.term, 2);
    assert.equal(hardState.vote, id);
  }
  assert.equal(net.status(3).hardState.vote, 1);
  assert.equal(net.status(4).hardState.vote, 2);
  // Each candidate was refused by the other and by the voter that had already voted.
  const refusals = net.delivered.filter((m) => m.type === 'voteResp' && m.reject);
  assert.deepEqual(refusals.map((m) => `${m.from}->${m.to}`).sort(), [
    '1->2',
    '2->1',
    '3->2',
    '4->1',
  ]);
});

test('the candidate whose randomised timeout fires first wins the next term', () => {
  const net = splitVoteNetwork();
  splitTheVote(net);

  let ticks = 0;
  while (net.leaders().length === 0 && ticks < 40) {
    ticks++;
    for (const id of [1, 2, 3, 4]) net.tick(id);
    net.stabilize();
  }

  assert.equal(ticks, 10, 'node 2 times out after its 10-tick timeout');
  assert.deepEqual(net.leaders(), [{ id: 2, term: 3 }]);
  for (const id of [1, 3, 4]) {
    const { hardState, softState } = net.status(id);
    assert.equal(softState.role, 'follower', `node ${id}`);
    assert.equal(softState.leader, 2, `node ${id}`);
    assert.equal(hardState.term, 3, `node ${id}`);
  }
  // Node 1 never stood again: its longer timeout had not expired when node 2 won.
  const votesFrom1 = net.delivered.filter((m) => m.type === 'vote' && m.from === 1);
  assert.ok(votesFrom1.every((m) => m.term === 2));
  // The winner's no-op of term 3 is committed on the four live members.
  for (const id of [1, 2, 3, 4]) {
    assert.equal(net.status(id).hardState.commit, BOOTSTRAP_ENTRIES + 1, `node ${id}`);
  }
});
