import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Network } from './support/network.ts';

describe('RaftCore leader transfer', () => {
  test('an up-to-date transferee is told to campaign at once and wins the next term', () => {
    const net = new Network([1, 2, 3], { checkQuorum: true, preVote: true });
    net.elect(1);
    net.core(1).transferLeader(2);
    net.stabilize();
    assert.deepEqual(net.leaders(), [2]);
    assert.equal(net.core(2).status().hardState.term, 3, 'no pre-vote round, straight to term 3');
    const timeoutNow = net.delivered.filter((m) => m.type === 'timeoutNow');
    assert.deepEqual(
      timeoutNow.map((m) => [m.from, m.to]),
      [[1, 2]],
    );
  });

  test('a lagging transferee is caught up first; proposals are refused meanwhile', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.drop = (m) => m.to === 3 && m.type === 'app';
    net.propose(1, 'a');
    net.drop = () => false;
    net.core(1).transferLeader(3);
    assert.equal(net.core(1).status().leadTransferee, 3);
    assert.throws(() => net.core(1).propose(new Uint8Array([1])), { reason: 'transferInProgress' });
    net.stabilize();
    assert.deepEqual(net.leaders(), [3]);
    assert.deepEqual(net.appliedText(3), ['a']);
  });

  test('a transfer that does not finish within an election timeout is abandoned', () => {
    const net = new Network([1, 2, 3], { electionTick: 10 });
    net.elect(1);
    net.isolate(3);
    net.core(1).transferLeader(3);
    net.tick(1, 9);
    assert.equal(net.core(1).status().leadTransferee, 3);
    net.tick(1, 1);
    assert.equal(net.core(1).status().leadTransferee, 0);
    net.propose(1, 'ok');
    assert.deepEqual(net.appliedText(2), ['ok']);
  });

  test('transfers to a learner, to the leader itself or to a stranger are ignored', () => {
    const net = new Network([1, 2, 3], {}, [4]);
    net.elect(1);
    for (const target of [4, 1, 9]) {
      net.core(1).transferLeader(target);
      net.stabilize();
      assert.equal(net.core(1).status().leadTransferee, 0, `target ${target}`);
      assert.deepEqual(net.leaders(), [1]);
    }
  });

  test('a follower forwards a transfer request to the leader', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.core(3).transferLeader(3);
    net.stabilize();
    assert.deepEqual(net.leaders(), [3]);
  });

  test('a second transfer to another member replaces the first', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.isolate(3);
    net.core(1).transferLeader(3);
    net.heal();
    net.core(1).transferLeader(2);
    net.stabilize();
    assert.deepEqual(net.leaders(), [2]);
  });
});
