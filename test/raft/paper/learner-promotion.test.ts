// Raft thesis §4.2.1: a new server joins as a non-voting learner, catches up on the log
// without affecting elections or commitment, and is then promoted by a membership change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeConfChange } from '../../../src/raft/core/index.ts';
import { Network, elect, texts } from './support/network.ts';

/**
 * Voters 1 and 2 (so both are needed to commit) and learner 3. Bootstrapping writes
 * entries 1-3 (the membership) in term 1; node 1 then leads term 2, its no-op at index 4.
 */
function withLearner(): Network {
  const net = new Network();
  for (const id of [1, 2, 3]) net.add(id, { voters: [1, 2], learners: [3] });
  elect(net, 1);
  return net;
}

test('a learner receives the log and applies committed entries', () => {
  const net = withLearner();
  net.propose(1, 'a');
  net.propose(1, 'b');
  net.stabilize();
  assert.deepEqual(net.log(3), net.log(1));
  assert.equal(net.status(3).hardState.commit, 6);
  assert.deepEqual(texts(net.peer(3).applied), ['a', 'b']);
  const progress = net.status(1).progress?.get(3);
  assert.equal(progress?.isLearner, true);
  assert.equal(progress?.match, 6);
  assert.deepEqual(net.status(3).confState, { voters: [1, 2], learners: [3] });
});

test('a learner never campaigns, however long it goes without a leader', () => {
  const net = withLearner();
  net.isolate(3);
  for (let i = 0; i < 100; i++) net.tick(3);
  net.stabilize();
  const { hardState, softState } = net.status(3);
  assert.equal(softState.role, 'follower');
  assert.equal(hardState.term, 2);
  const sentBy3 = [...net.delivered, ...net.dropped].filter((m) => m.from === 3);
  assert.deepEqual(
    sentBy3.filter((m) => m.type === 'preVote' || m.type === 'vote'),
    [],
  );
});

test('a learner does not count towards commitment', () => {
  const net = withLearner();
  net.isolate(2);
  net.propose(1, 'needs-2');
  net.stabilize();
  // Two of three members hold the entry, but only one of the two voters.
  assert.equal(net.status(1).progress?.get(3)?.match, 5);
  assert.equal(net.status(1).hardState.commit, 4);
  assert.deepEqual(texts(net.peer(1).applied), []);
});

test('a learner promoted by a conf change votes and counts for commitment', () => {
  const net = withLearner();
  net.propose(1, 'before');
  net.stabilize();
  net.peer(1).core.proposeConfChange({ type: 'addVoter', nodeId: 3 });
  net.processReady(1);
  net.stabilize();

  for (const id of [1, 2, 3]) {
    assert.deepEqual(net.status(id).confState, { voters: [1, 2, 3], learners: [] }, `node ${id}`);
  }
  const ccEntry = net.log(1).findLast((e) => e.type === 'confChange');
  assert.equal(ccEntry?.index, 6);
  assert.deepEqual(ccEntry?.data, encodeConfChange({ type: 'addVoter', nodeId: 3 }));
  assert.equal(net.status(1).progress?.get(3)?.isLearner, false);

  // Now node 3 is the second vote of a majority of three: node 2 is no longer needed.
  net.isolate(2);
  net.propose(1, 'with-3');
  net.stabilize();
  const commit = net.status(1).hardState.commit;
  assert.equal(commit, net.status(1).lastIndex);
  assert.deepEqual(texts(net.peer(1).applied), ['before', 'with-3']);
  assert.deepEqual(texts(net.peer(3).applied), ['before', 'with-3']);

  // And it can win an election: node 1 goes away, node 3 stands and node 2 comes back.
  // Node 2 first sits out an election timeout, so it no longer honours node 1's lease.
  net.tick(2, 10);
  net.stabilize();
  net.heal();
  net.isolate(1);
  elect(net, 3);
  assert.equal(net.status(3).hardState.term, 3);
  assert.equal(net.status(2).softState.leader, 3);
});
