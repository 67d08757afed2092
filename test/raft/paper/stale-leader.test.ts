// Raft §5.1 and §5.3: a leader cut off from the majority keeps believing it leads (without
// check-quorum nothing tells it otherwise), but anything it accepts cannot commit; when the
// partition heals it meets a higher term, steps down, and its uncommitted suffix is replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elect, newCluster, texts } from './support/network.ts';

// Clusters bootstrap with one conf-change entry of term 1 per member (indexes 1..n), so the
// first leader is elected in term 2 and its empty entry lands at n + 1.

test('a partitioned old leader steps down on a higher term and loses its uncommitted entries', () => {
  const net = newCluster(5, { checkQuorum: false });
  elect(net, 1);
  net.propose(1, 'before');
  net.stabilize();
  const committedBefore = net.status(1).hardState.commit;
  assert.equal(committedBefore, 7, 'five bootstrap entries, the no-op of term 2, "before"');

  net.partition([1, 2], [3, 4, 5]);
  net.propose(1, 'stale-a');
  net.propose(1, 'stale-b');
  net.stabilize();
  // The minority replicated them but could not commit them.
  assert.deepEqual(texts(net.log(2)), ['before', 'stale-a', 'stale-b']);
  assert.equal(net.status(1).hardState.commit, committedBefore);
  assert.equal(net.status(2).hardState.commit, committedBefore);

  // An election timeout passes on the majority side (nodes 4 and 5 stand too, but cannot
  // win alone), so they no longer honour node 1's lease when node 3 asks for their votes.
  net.tick(4, 10);
  net.tick(5, 10);
  net.stabilize();
  elect(net, 3);
  // Two leaders now coexist, in different terms; only the newer one can commit.
  assert.deepEqual(
    net.leaders().sort((a, b) => a.id - b.id),
    [
      { id: 1, term: 2 },
      { id: 3, term: 3 },
    ],
  );
  net.propose(3, 'fresh');
  net.stabilize();
  assert.equal(net.status(3).hardState.commit, 9, 'the no-op of term 3 (index 8) and "fresh"');
  const staleLeader = net.status(1);
  assert.equal(staleLeader.softState.role, 'leader');
  assert.equal(staleLeader.hardState.term, 2);
  assert.equal(staleLeader.lastIndex, 9);

  net.heal();
  net.tick(3); // a heartbeat of term 3 reaches the old leader
  net.stabilize();

  assert.deepEqual(net.leaders(), [{ id: 3, term: 3 }]);
  const leaderLog = net.log(3);
  assert.deepEqual(
    leaderLog.map((e) => e.term),
    [1, 1, 1, 1, 1, 2, 2, 3, 3],
  );
  for (const id of [1, 2, 4, 5]) {
    const { hardState, softState } = net.status(id);
    assert.equal(softState.role, 'follower', `node ${id}`);
    assert.equal(softState.leader, 3, `node ${id}`);
    assert.equal(hardState.term, 3, `node ${id}`);
    assert.equal(hardState.commit, 9, `node ${id}`);
    assert.deepEqual(net.log(id), leaderLog, `node ${id} log matches the leader's`);
    assert.deepEqual(texts(net.peer(id).applied), ['before', 'fresh'], `node ${id} applied`);
  }
});

test('a stale leader cannot commit even when it keeps a follower', () => {
  const net = newCluster(3, { checkQuorum: false });
  elect(net, 1);
  net.isolate(1);
  net.propose(1, 'alone');
  for (let i = 0; i < 30; i++) net.tick(1);
  net.stabilize();
  const { hardState, softState, lastIndex } = net.status(1);
  assert.equal(softState.role, 'leader', 'without check-quorum it never learns it is cut off');
  assert.equal(lastIndex, 5, 'three bootstrap entries, its no-op, "alone"');
  assert.equal(hardState.commit, 4);
  assert.deepEqual(texts(net.peer(1).applied), []);
});
