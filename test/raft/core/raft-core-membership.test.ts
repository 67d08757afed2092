import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeConfChange } from '../../../src/raft/core/conf-change-codec.ts';
import { drain, electLeader, fixture, msg, sent } from './support/core-fixture.ts';
import { Network } from './support/network.ts';

describe('RaftCore membership', () => {
  test('a new voter joins from an empty storage, starts in probe and catches up', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, 'before');
    net.add(4);
    net.core(1).proposeConfChange({ type: 'addVoter', nodeId: 4 });
    // Before delivery the leader already tracks the newcomer, in probe.
    net.processReady(1);
    const leaderStatus = net.core(1).status();
    assert.deepEqual(leaderStatus.progress?.get(4)?.state, undefined, 'not yet applied');
    net.stabilize();
    assert.deepEqual(net.node(1).confState, { voters: [1, 2, 3, 4], learners: [] });
    assert.deepEqual(
      net.node(4).confState,
      { voters: [1, 2, 3, 4], learners: [] },
      'rebuilt from the log',
    );
    assert.deepEqual(net.appliedText(4), ['before']);
    net.propose(1, 'after');
    assert.deepEqual(net.appliedText(4), ['before', 'after']);
  });

  test('progress of an added member starts in probe with next after the last index', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    drain(f);
    const cs = f.core.applyConfChange({ type: 'addVoter', nodeId: 4 });
    assert.deepEqual(cs, { voters: [1, 2, 3, 4], learners: [] });
    const pr = f.core.status().progress?.get(4);
    assert.deepEqual(pr, {
      match: 0,
      next: 5,
      state: 'probe',
      isLearner: false,
      recentActive: true,
      active: true,
    });
    assert.deepEqual(
      sent(f, 'app').map((m) => [m.to, m.index]),
      [[4, 4]],
    );
  });

  test('only one conf change may be pending until it is applied', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    drain(f);
    f.core.proposeConfChange({ type: 'addVoter', nodeId: 4 });
    assert.throws(() => f.core.proposeConfChange({ type: 'addVoter', nodeId: 5 }), {
      reason: 'pendingConfChange',
    });
    f.core.propose(new Uint8Array([1]));
  });

  test('a new leader treats its whole unapplied tail as a possibly pending conf change', () => {
    const f = fixture(1, {
      logTerms: [1, 1],
      hardState: { term: 1, vote: 0, commit: 1 },
      preVote: false,
    });
    electLeader(f);
    drain(f);
    assert.throws(() => f.core.proposeConfChange({ type: 'addVoter', nodeId: 4 }), {
      reason: 'pendingConfChange',
    });
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 3 }));
    const rd = drain(f);
    assert.deepEqual(
      rd.committedEntries.map((e) => e.index),
      [2, 3],
    );
    f.core.proposeConfChange({ type: 'addVoter', nodeId: 4 });
  });

  test('learners receive the log but neither vote nor count towards commit', () => {
    const net = new Network([1, 2, 3], {}, [4]);
    net.elect(1);
    net.isolate(2);
    net.isolate(3);
    net.propose(1, 'x');
    assert.equal(net.appliedText(4).length, 0, 'leader plus learner is no quorum');
    assert.equal(net.core(1).status().progress?.get(4)?.isLearner, true);
    net.heal();
    net.tick(1, 1);
    assert.deepEqual(net.appliedText(4), ['x']);
  });

  test('a learner is promoted by addVoter and a voter demoted by addLearner', () => {
    const net = new Network([1, 2, 3], {}, [4]);
    net.elect(1);
    net.core(1).proposeConfChange({ type: 'addVoter', nodeId: 4 });
    net.stabilize();
    assert.deepEqual(net.node(4).confState, { voters: [1, 2, 3, 4], learners: [] });
    net.core(1).proposeConfChange({ type: 'addLearner', nodeId: 2 });
    net.stabilize();
    assert.deepEqual(net.node(3).confState, { voters: [1, 3, 4], learners: [2] });
    for (let i = 0; i < 40; i++) net.core(2).tick();
    net.core(2).campaign();
    net.stabilize();
    assert.deepEqual(net.leaders(), [1], 'the demoted member does not campaign');
  });

  test('a removed follower stops receiving the log and the quorum shrinks', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.core(1).proposeConfChange({ type: 'removeNode', nodeId: 3 });
    net.stabilize();
    assert.deepEqual(net.node(1).confState, { voters: [1, 2], learners: [] });
    net.propose(1, 'x');
    assert.deepEqual(net.appliedText(3), []);
    assert.ok(!net.core(1).status().progress?.has(3));
    net.isolate(3);
    net.propose(1, 'y');
    assert.deepEqual(net.appliedText(2), ['x', 'y']);
  });

  test('the last voter cannot be removed or demoted', () => {
    const net = new Network([1]);
    net.elect(1);
    net.core(1).proposeConfChange({ type: 'removeNode', nodeId: 1 });
    net.stabilize();
    net.core(1).proposeConfChange({ type: 'addLearner', nodeId: 1 });
    net.stabilize();
    assert.deepEqual(net.node(1).confState, { voters: [1], learners: [] });
    assert.deepEqual(net.leaders(), [1]);
  });

  test('a removed leader leads until the change applies, then steps down for good', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.isolate(1);
    net.core(1).proposeConfChange({ type: 'removeNode', nodeId: 1 });
    assert.throws(() => net.core(1).propose(new Uint8Array([1])), { reason: 'notVoter' });
    net.stabilize();
    assert.deepEqual(net.leaders(), [1], 'still leading: the change is not yet committed');
    net.heal();
    net.tick(1, 1);
    assert.deepEqual(net.node(1).confState, { voters: [2, 3], learners: [] });
    assert.deepEqual(net.core(1).status().softState.role, 'follower');
    net.tick([1, 2, 3], 40);
    const leaders = net.leaders();
    assert.equal(leaders.length, 1);
    assert.notEqual(leaders[0], 1);
    net.propose(leaders[0]!, 'after');
    assert.deepEqual(net.appliedText(2), ['after']);
    for (let i = 0; i < 50; i++) net.core(1).tick();
    net.core(1).campaign();
    assert.equal(net.core(1).status().softState.role, 'follower', 'a non-member never campaigns');
  });

  test('a two-voter cluster survives the removal of its leader', () => {
    const net = new Network([1, 2]);
    net.elect(1);
    net.core(1).proposeConfChange({ type: 'removeNode', nodeId: 1 });
    // Only the commit of the change reaches node 2 late: drop the appends that carry it.
    net.drop = (m) => m.type === 'app' && m.to === 2 && m.entries.length === 0;
    net.stabilize();
    net.drop = () => false;
    assert.equal(net.core(1).status().softState.role, 'follower');
    net.tick([1, 2], 60);
    assert.deepEqual(net.leaders(), [2]);
    assert.deepEqual(net.node(2).confState, { voters: [2], learners: [] });
  });

  test('bootstrap writes the membership as committed conf changes at term 1', () => {
    const f = fixture(1, { voters: [3, 1], learners: [5] });
    const rd = drain(f);
    assert.deepEqual(rd.hardState, { term: 1, vote: 0, commit: 3 });
    assert.deepEqual(
      rd.entries.map((e) => [e.index, e.term, e.type, decodeConfChange(e.data)]),
      [
        [1, 1, 'confChange', { type: 'addVoter', nodeId: 1 }],
        [2, 1, 'confChange', { type: 'addVoter', nodeId: 3 }],
        [3, 1, 'confChange', { type: 'addLearner', nodeId: 5 }],
      ],
    );
    assert.deepEqual(rd.committedEntries, [], 'already in force, so not handed out to apply');
    assert.equal(f.core.status().applied, 3);
  });
});
