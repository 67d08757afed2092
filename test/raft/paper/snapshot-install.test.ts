// Raft §7: once the leader has compacted its log, a follower that fell behind the
// compaction point is sent the snapshot instead, installs it, and then continues with
// ordinary appends from the snapshot's index on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elect, newCluster, texts } from './support/network.ts';

// Three bootstrap entries (term 1), then node 1 leads term 2 with its no-op at index 4.

test('a follower behind the compacted log receives the snapshot, then entries again', () => {
  const net = newCluster(3);
  elect(net, 1);
  net.propose(1, 'a');
  net.stabilize();

  net.isolate(3);
  for (let i = 1; i <= 8; i++) net.propose(1, `p${i}`);
  net.stabilize();
  assert.equal(net.status(1).hardState.commit, 13);
  assert.equal(net.status(3).lastIndex, 5);

  const snapshot = net.compact(1);
  assert.equal(snapshot.metadata.index, 13);
  assert.equal(net.peer(1).storage.firstIndex(), 14);

  net.heal();
  net.tick(1); // the heartbeat round shows node 3 is back and behind the compaction point
  net.stabilize();

  assert.equal(net.countDelivered('snap', 1, 3), 1, 'exactly one snapshot is sent');
  const follower = net.peer(3);
  assert.equal(follower.installed.length, 1);
  assert.deepEqual(follower.installed[0]?.metadata, {
    index: 13,
    term: 2,
    confState: { voters: [1, 2, 3], learners: [] },
  });
  assert.equal(
    new TextDecoder().decode(follower.installed[0]?.data),
    ['a', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'].join('\n'),
  );
  assert.equal(follower.storage.firstIndex(), 14);
  assert.equal(net.status(3).lastIndex, 13);
  assert.equal(net.status(3).hardState.commit, 13);
  // Entries folded into the snapshot are not replayed one by one.
  assert.deepEqual(texts(follower.applied), ['a']);

  const progress = net.status(1).progress?.get(3);
  assert.equal(progress?.match, 13);
  assert.equal(progress?.state, 'replicate', 'ordinary replication resumed');

  net.propose(1, 'after');
  net.stabilize();
  assert.equal(net.countDelivered('snap', 1, 3), 1, 'no second snapshot');
  assert.deepEqual(texts(follower.applied), ['a', 'after']);
  assert.deepEqual(net.log(3), net.log(1));
  assert.equal(net.status(3).hardState.commit, 14);
  assert.equal(net.status(1).progress?.get(3)?.match, 14);
});

test('a follower still inside the retained log gets plain appends, not a snapshot', () => {
  const net = newCluster(3);
  elect(net, 1);
  net.propose(1, 'a');
  net.stabilize();
  net.compact(1); // snapshot at 5, which node 2 already holds
  for (let i = 1; i <= 3; i++) net.propose(1, `p${i}`);
  net.stabilize();
  assert.equal(net.delivered.filter((m) => m.type === 'snap').length, 0);
  assert.deepEqual(texts(net.peer(2).applied), ['a', 'p1', 'p2', 'p3']);
});

test('a member restarted on its installed snapshot resumes from the snapshot index', () => {
  const net = newCluster(3);
  elect(net, 1);
  net.isolate(3);
  for (let i = 1; i <= 3; i++) net.propose(1, `p${i}`);
  net.stabilize();
  net.compact(1);
  net.heal();
  net.tick(1);
  net.stabilize();
  assert.equal(net.peer(3).installed.length, 1);

  net.restart(3);
  const restarted = net.status(3);
  assert.equal(restarted.hardState.term, 2);
  assert.equal(restarted.hardState.commit, 7);
  assert.equal(restarted.applied, 7);
  assert.equal(restarted.lastIndex, 7);
  assert.deepEqual(restarted.confState, { voters: [1, 2, 3], learners: [] });

  net.propose(1, 'after-restart');
  net.stabilize();
  assert.deepEqual(texts(net.peer(3).applied), ['after-restart']);
  assert.equal(net.countDelivered('snap', 1, 3), 1, 'the restart needed no second snapshot');
});
