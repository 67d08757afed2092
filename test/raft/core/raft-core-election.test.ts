import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drain, fixture, msg, sent, ticks } from './support/core-fixture.ts';
import { Network } from './support/network.ts';

describe('RaftCore election', () => {
  test('a follower campaigns after its randomised timeout, in [electionTick, 2 * electionTick)', () => {
    for (const [random, expected] of [
      [0, 10],
      [0.5, 15],
      [0.9999, 19],
    ] as const) {
      const f = fixture(1, { electionTick: 10, preVote: false, random: () => random });
      drain(f);
      ticks(f, expected - 1);
      assert.equal(f.core.status().softState.role, 'follower', `random ${random}`);
      f.core.tick();
      assert.equal(f.core.status().softState.role, 'candidate', `random ${random}`);
    }
  });

  test('a candidate raises its term, votes for itself, persists that and asks every voter', () => {
    const f = fixture(1, { preVote: false });
    drain(f);
    f.core.campaign();
    const rd = drain(f);
    assert.deepEqual(rd.hardState, { term: 2, vote: 1, commit: 3 });
    assert.equal(rd.mustSync, true);
    const votes = rd.messages.filter((m) => m.type === 'vote');
    assert.deepEqual(
      votes.map((m) => [m.to, m.term, m.index, m.logTerm]),
      [
        [2, 2, 3, 1],
        [3, 2, 3, 1],
      ],
    );
  });

  test('a leader is elected, appends an empty entry of its term and commits it', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    assert.deepEqual(net.leaders(), [1]);
    const st = net.core(1).status();
    // Three bootstrap conf changes (term 1), then the leader's empty entry (term 2).
    assert.equal(st.lastIndex, 4);
    assert.equal(st.hardState.commit, 4);
    for (const id of [2, 3]) assert.equal(net.core(id).status().softState.leader, 1);
  });

  test('a single voter elects itself at once', () => {
    const net = new Network([1], { preVote: true });
    net.elect(1);
    assert.deepEqual(net.leaders(), [1]);
    net.propose(1, 'x');
    assert.deepEqual(net.appliedText(1), ['x']);
  });

  test('votes: one per term, only for an up-to-date log, and the vote is durable before the reply', () => {
    const f = fixture(1, { logTerms: [1, 2], preVote: false });
    drain(f);
    f.core.step(msg({ type: 'vote', from: 2, to: 1, term: 3, index: 1, logTerm: 2 }));
    let rd = drain(f);
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.to, m.reject]),
      [['voteResp', 2, true]],
      'shorter log of the same last term',
    );
    f.core.step(msg({ type: 'vote', from: 3, to: 1, term: 3, index: 2, logTerm: 2 }));
    rd = drain(f);
    assert.deepEqual(rd.hardState, { term: 3, vote: 3, commit: 0 });
    assert.equal(rd.mustSync, true);
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.to, m.term, m.reject]),
      [['voteResp', 3, 3, false]],
    );
    f.core.step(msg({ type: 'vote', from: 2, to: 1, term: 3, index: 9, logTerm: 3 }));
    assert.deepEqual(
      sent(f).map((m) => [m.to, m.reject]),
      [[2, true]],
      'already voted this term',
    );
    f.core.step(msg({ type: 'vote', from: 3, to: 1, term: 3, index: 2, logTerm: 2 }));
    assert.deepEqual(
      sent(f).map((m) => [m.to, m.reject]),
      [[3, false]],
      'a repeated request is granted again',
    );
  });

  test('a candidate rejected by a majority returns to follower', () => {
    const f = fixture(1, { preVote: false });
    drain(f);
    f.core.campaign();
    drain(f);
    f.core.step(msg({ type: 'voteResp', from: 2, to: 1, term: 2, reject: true }));
    assert.equal(f.core.status().softState.role, 'candidate');
    f.core.step(msg({ type: 'voteResp', from: 3, to: 1, term: 2, reject: true }));
    assert.deepEqual(f.core.status().softState, { leader: 0, role: 'follower' });
    assert.equal(f.core.status().hardState.term, 2);
  });

  test('a candidate that hears from a leader of its term follows it', () => {
    const f = fixture(1, { preVote: false });
    drain(f);
    f.core.campaign();
    drain(f);
    f.core.step(msg({ type: 'heartbeat', from: 2, to: 1, term: 2 }));
    assert.deepEqual(f.core.status().softState, { leader: 2, role: 'follower' });
  });

  test('proposals are dropped while there is no leader', () => {
    const f = fixture(1);
    assert.throws(() => f.core.propose(new Uint8Array([1])), {
      name: 'ProposalDroppedError',
      reason: 'noLeader',
    });
    f.core.campaign();
    assert.throws(() => f.core.propose(new Uint8Array([1])), { reason: 'noLeader' });
  });

  test('a learner never campaigns', () => {
    const net = new Network([1, 2], {}, [3]);
    for (let i = 0; i < 100; i++) {
      net.core(3).tick();
      net.core(3).campaign();
      net.stabilize();
    }
    assert.deepEqual(net.leaders(), []);
    assert.equal(net.core(3).status().hardState.term, 1);
  });
});

describe('RaftCore pre-vote', () => {
  test('a pre-candidate does not raise its term until it wins the pre-vote', () => {
    const f = fixture(1, { preVote: true });
    drain(f);
    f.core.campaign();
    const rd = drain(f);
    assert.equal(f.core.status().softState.role, 'preCandidate');
    assert.equal(rd.hardState, undefined, 'nothing durable changes');
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.to, m.term]),
      [
        ['preVote', 2, 2],
        ['preVote', 3, 2],
      ],
    );
    f.core.step(msg({ type: 'preVoteResp', from: 2, to: 1, term: 2 }));
    assert.equal(f.core.status().softState.role, 'candidate');
    assert.equal(f.core.status().hardState.term, 2);
  });

  test('a rejoining isolated node does not disrupt the cluster', () => {
    const net = new Network([1, 2, 3], { preVote: true, checkQuorum: false });
    net.elect(1);
    net.isolate(3);
    net.tick(3, 100);
    assert.equal(net.core(3).status().hardState.term, 2, 'pre-votes fail, the term stays');
    net.heal();
    net.tick([1, 2, 3], 3);
    assert.deepEqual(net.leaders(), [1]);
    assert.equal(net.core(1).status().hardState.term, 2);
  });

  test('without pre-vote an isolated node inflates its term', () => {
    const net = new Network([1, 2, 3], { preVote: false, checkQuorum: false });
    net.elect(1);
    net.isolate(3);
    net.tick(3, 100);
    assert.ok(net.core(3).status().hardState.term > 2);
  });

  test('a pre-vote is refused while the voter heard from a leader within the election timeout', () => {
    const f = fixture(2, { preVote: true, checkQuorum: false });
    drain(f);
    f.core.step(msg({ type: 'heartbeat', from: 1, to: 2, term: 2 }));
    drain(f);
    f.core.step(msg({ type: 'preVote', from: 3, to: 2, term: 3, index: 3, logTerm: 1 }));
    assert.deepEqual(sent(f, 'preVoteResp'), [], 'ignored within the lease');
    ticks(f, 10);
    drain(f);
    f.core.step(msg({ type: 'preVote', from: 3, to: 2, term: 3, index: 3, logTerm: 1 }));
    assert.deepEqual(
      sent(f, 'preVoteResp').map((m) => [m.to, m.term, m.reject]),
      [[3, 3, false]],
    );
    assert.equal(f.core.status().hardState.term, 2, 'granting a pre-vote changes no term');
  });

  test('a pre-vote for a stale log is refused, and a lower-term pre-vote gets our term back', () => {
    const f = fixture(2, { logTerms: [1, 3], preVote: true });
    drain(f);
    f.core.step(msg({ type: 'preVote', from: 3, to: 2, term: 4, index: 5, logTerm: 2 }));
    assert.deepEqual(
      sent(f).map((m) => [m.type, m.reject, m.term]),
      [['preVoteResp', true, 3]],
    );
    f.core.step(msg({ type: 'preVote', from: 3, to: 2, term: 2, index: 5, logTerm: 3 }));
    assert.deepEqual(
      sent(f).map((m) => [m.type, m.reject, m.term]),
      [['preVoteResp', true, 3]],
    );
  });
  test('a vote request from a lower term is rejected with our term, so the candidate catches up', () => {
    // Without this answer a candidate whose term fell behind one voter's never learns that
    // term and the cluster can livelock (found by the simulator, seed 4030, pre-vote off).
    const f = fixture(1, {
      logTerms: [1, 1],
      hardState: { term: 5, vote: 0, commit: 0 },
      preVote: false,
    });
    drain(f);
    f.core.step(msg({ type: 'vote', from: 2, to: 1, term: 3, index: 2, logTerm: 1 }));
    const replies = sent(f, 'voteResp');
    assert.deepEqual(
      replies.map((m) => [m.to, m.term, m.reject]),
      [[2, 5, true]],
    );
    assert.equal(f.core.status().hardState.vote, 0, 'no vote is cast for a stale candidate');

    const candidate = fixture(2, {
      logTerms: [1, 1],
      hardState: { term: 2, vote: 0, commit: 0 },
      preVote: false,
    });
    drain(candidate);
    candidate.core.campaign();
    drain(candidate);
    candidate.core.step(msg({ type: 'voteResp', from: 1, to: 2, term: 5, reject: true }));
    assert.equal(candidate.core.status().hardState.term, 5);
    assert.equal(candidate.core.status().softState.role, 'follower');
  });
});
