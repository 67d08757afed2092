import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TRANSFER_CONTEXT } from '../../../src/raft/core/message.ts';
import { drain, fixture, msg, sent, ticks } from './support/core-fixture.ts';
import { Network } from './support/network.ts';

describe('RaftCore check-quorum', () => {
  test('a leader cut off from a quorum steps down within an election timeout', () => {
    const net = new Network([1, 2, 3], { checkQuorum: true, electionTick: 10 });
    net.elect(1);
    net.isolate(1);
    net.tick(1, 10);
    assert.equal(
      net.core(1).status().softState.role,
      'leader',
      'the first check saw everyone active',
    );
    net.tick(1, 10);
    assert.deepEqual(net.core(1).status().softState, { leader: 0, role: 'follower' });
  });

  test('a leader that hears from a quorum keeps leading', () => {
    const net = new Network([1, 2, 3], { checkQuorum: true });
    net.elect(1);
    net.isolate(3);
    net.tick([1, 2, 3], 60);
    assert.deepEqual(net.leaders(), [1]);
  });

  test('without check-quorum an isolated leader stays leader', () => {
    const net = new Network([1, 2, 3], { checkQuorum: false });
    net.elect(1);
    net.isolate(1);
    net.tick(1, 60);
    assert.equal(net.core(1).status().softState.role, 'leader');
  });

  test('with check-quorum a follower ignores vote requests while its leader lease holds', () => {
    // A randomised timeout of 15 ticks lets the lease (10 ticks) lapse before it campaigns.
    const f = fixture(2, { checkQuorum: true, preVote: false, random: () => 0.5 });
    drain(f);
    f.core.step(msg({ type: 'app', from: 1, to: 2, term: 2, index: 3, logTerm: 1 }));
    drain(f);
    f.core.step(msg({ type: 'vote', from: 3, to: 2, term: 3, index: 3, logTerm: 1 }));
    assert.deepEqual(sent(f, 'voteResp'), []);
    assert.equal(f.core.status().hardState.term, 2, 'the higher term is not adopted either');
    ticks(f, 10);
    drain(f);
    f.core.step(msg({ type: 'vote', from: 3, to: 2, term: 3, index: 3, logTerm: 1 }));
    assert.deepEqual(
      sent(f, 'voteResp').map((m) => [m.to, m.reject]),
      [[3, false]],
    );
  });

  test('a vote request marked as a leader transfer overrides the lease', () => {
    const f = fixture(2, { checkQuorum: true, preVote: false });
    drain(f);
    f.core.step(msg({ type: 'heartbeat', from: 1, to: 2, term: 2 }));
    drain(f);
    f.core.step(
      msg({
        type: 'vote',
        from: 3,
        to: 2,
        term: 3,
        index: 3,
        logTerm: 1,
        context: TRANSFER_CONTEXT,
      }),
    );
    assert.deepEqual(
      sent(f, 'voteResp').map((m) => [m.to, m.term, m.reject]),
      [[3, 3, false]],
    );
  });

  test('a stale leader is answered with the current term and steps down', () => {
    const f = fixture(2, { checkQuorum: true, hardState: { term: 5, vote: 0, commit: 0 } });
    drain(f);
    f.core.step(msg({ type: 'app', from: 1, to: 2, term: 4, index: 3, logTerm: 1 }));
    assert.deepEqual(
      sent(f).map((m) => [m.type, m.to, m.term]),
      [['appResp', 1, 5]],
    );
    f.core.step(msg({ type: 'heartbeat', from: 1, to: 2, term: 4 }));
    assert.deepEqual(
      sent(f).map((m) => [m.type, m.to, m.term]),
      [['appResp', 1, 5]],
    );

    const leader = fixture(1, { checkQuorum: true, preVote: false });
    leader.core.campaign();
    leader.core.step(msg({ type: 'voteResp', from: 3, to: 1, term: 2 }));
    assert.equal(leader.core.status().softState.role, 'leader');
    leader.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 5 }));
    assert.deepEqual(leader.core.status().softState, { leader: 0, role: 'follower' });
    assert.equal(leader.core.status().hardState.term, 5);
  });

  test('without check-quorum or pre-vote a stale append is dropped; a stale vote is refused with our term', () => {
    const f = fixture(2, {
      checkQuorum: false,
      preVote: false,
      hardState: { term: 5, vote: 0, commit: 0 },
    });
    drain(f);
    f.core.step(msg({ type: 'app', from: 1, to: 2, term: 4, index: 3, logTerm: 1 }));
    assert.deepEqual(sent(f), []);
    f.core.step(msg({ type: 'vote', from: 1, to: 2, term: 4, index: 9, logTerm: 4 }));
    assert.deepEqual(
      sent(f).map((m) => [m.type, m.to, m.term, m.reject]),
      [['voteResp', 1, 5, true]],
    );
  });

  test('with check-quorum and pre-vote a partitioned minority rejoins without an election', () => {
    const net = new Network([1, 2, 3, 4, 5], { checkQuorum: true, preVote: true });
    net.elect(1);
    net.isolate(5);
    net.tick([1, 2, 3, 4, 5], 50);
    net.heal();
    net.tick([1, 2, 3, 4, 5], 5);
    assert.deepEqual(net.leaders(), [1]);
    assert.equal(net.core(5).status().softState.leader, 1);
    assert.equal(net.core(5).status().hardState.term, 2);
  });
});

describe('RaftCore progress activity', () => {
  test('active survives the check-quorum reset; it drops only after a whole silent period', () => {
    const net = new Network([1, 2, 3, 4, 5], { checkQuorum: true, preVote: true });
    net.elect(1);
    const seen = { resetWindows: 0, healthyInactive: 0 };
    for (let i = 0; i < 30; i++) {
      net.core(1).tick();
      // Read before the heartbeat replies of this tick arrive: the window just after a reset.
      const follower = net.core(1).status().progress?.get(2);
      if (follower?.recentActive === false) seen.resetWindows++;
      if (follower?.active !== true) seen.healthyInactive++;
      net.stabilize();
    }
    assert.ok(seen.resetWindows >= 2, 'recentActive is cleared at each check-quorum');
    assert.equal(seen.healthyInactive, 0, 'a follower that answers is always active');

    net.isolate(5);
    const inactiveAfter: number[] = [];
    for (let i = 1; i <= 30; i++) {
      net.tick(1);
      if (net.core(1).status().progress?.get(5)?.active === false) inactiveAfter.push(i);
    }
    assert.ok(inactiveAfter.length > 0, 'a silent follower becomes inactive');
    assert.ok(inactiveAfter[0]! > 10, 'but not before a whole silent period has passed');
    assert.ok(inactiveAfter[0]! <= 20, 'and within two election timeouts');
    assert.equal(net.core(1).status().progress?.get(2)?.active, true);
  });
});
