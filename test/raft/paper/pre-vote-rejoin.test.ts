// Raft thesis §9.6: a member cut off from the cluster keeps timing out. Without pre-vote
// each timeout raises its term, and when it rejoins that term deposes a healthy leader.
// With pre-vote it only asks whether it could win, its term stays put, and nothing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elect, newCluster, texts } from './support/network.ts';
import type { Network } from './support/network.ts';

/**
 * Three voters (bootstrapped in term 1), node 1 leads term 2. Node 3 is cut off for four election timeouts while
 * the others commit an entry it misses (so its log is behind), then the partition heals
 * and the leader heartbeats. Check-quorum is off in both variants, so that the only
 * difference between them is pre-vote.
 */
function partitionAndRejoin(preVote: boolean): Network {
  const net = newCluster(3, { preVote, checkQuorum: false });
  elect(net, 1);
  net.isolate(3);
  net.propose(1, 'while-3-away');
  net.stabilize();
  for (let i = 0; i < 40; i++) {
    net.tick(3);
    net.stabilize();
  }
  return net;
}

test('with pre-vote, a rejoining node does not raise its term or disrupt the leader', () => {
  const net = partitionAndRejoin(true);
  const away = net.status(3);
  assert.equal(away.hardState.term, 2, 'pre-vote rounds do not raise the term');
  assert.equal(away.softState.role, 'preCandidate');
  assert.ok(
    net.dropped.some((m) => m.type === 'preVote' && m.from === 3),
    'it did try',
  );
  assert.ok(!net.dropped.some((m) => m.type === 'vote'), 'but never got to a real vote');

  net.heal();
  // Node 3 times out once more after healing, and the leader heartbeats: both orders are
  // harmless because its pre-vote is not granted (nodes 1 and 2 have a live leader, and
  // its log is behind) and it is still in term 2.
  net.tick(3, 20);
  net.tick(1);
  net.stabilize();

  assert.deepEqual(net.leaders(), [{ id: 1, term: 2 }]);
  for (const id of [2, 3]) {
    const { hardState, softState } = net.status(id);
    assert.equal(hardState.term, 2, `node ${id} term`);
    assert.equal(softState.role, 'follower', `node ${id} role`);
    assert.equal(softState.leader, 1, `node ${id} leader`);
    assert.equal(hardState.commit, 5, `node ${id} commit`);
  }
  assert.deepEqual(texts(net.peer(3).applied), ['while-3-away']);
  assert.ok(
    net.delivered.every((m) => m.type === 'preVote' || m.term <= 2),
    'apart from pre-vote requests, no message of a higher term was ever delivered',
  );
});

test('without pre-vote, the same rejoin raises the term and deposes the leader', () => {
  const net = partitionAndRejoin(false);
  const away = net.status(3);
  assert.ok(away.hardState.term >= 5, `term rose to ${away.hardState.term} while cut off`);
  assert.equal(away.softState.role, 'candidate');

  net.heal();
  net.tick(3, 20);
  net.tick(1);
  net.stabilize();
  // Node 1 met node 3's higher term and stepped down: the cluster has no leader now.
  const deposed = net.status(1);
  assert.notEqual(deposed.softState.role, 'leader');
  assert.ok(
    deposed.hardState.term > away.hardState.term,
    `node 1 moved to term ${deposed.hardState.term}`,
  );
  assert.deepEqual(net.leaders(), []);

  // A new election (node 3 cannot win it, its log is behind) restores a leader, later.
  for (let i = 0; i < 60 && net.leaders().length === 0; i++) {
    net.tick(1);
    net.stabilize();
  }
  const leaders = net.leaders();
  assert.equal(leaders.length, 1);
  assert.notEqual(leaders[0]?.id, 3);
  assert.ok((leaders[0]?.term ?? 0) > deposed.hardState.term);
});
