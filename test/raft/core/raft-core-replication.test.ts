import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytes, drain, electLeader, exchange, fixture, msg, sent } from './support/core-fixture.ts';
import type { Fixture } from './support/core-fixture.ts';
import { Network } from './support/network.ts';

const tenBytes = (i: number) => bytes(`entry-${String(i).padStart(4, '0')}`.slice(0, 10));

describe('RaftCore replication', () => {
  test('appends are batched up to maxSizePerMsg and pipelined up to maxInflightMsgs', () => {
    const f = fixture(1, { preVote: false, maxSizePerMsg: 25, maxInflightMsgs: 2 });
    electLeader(f);
    assert.deepEqual(
      sent(f, 'app').map((m) => [m.to, m.index, m.entries.length]),
      [
        [2, 3, 1],
        [3, 3, 1],
      ],
      'the empty entry probes each follower',
    );
    for (let i = 0; i < 5; i++) f.core.propose(tenBytes(i));
    assert.deepEqual(sent(f, 'app'), [], 'probing followers get one message at a time');
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    const apps = sent(f, 'app').filter((m) => m.to === 2);
    assert.deepEqual(
      apps.map((m) => [m.index, m.entries.map((e) => e.index)]),
      [
        [4, [5, 6]],
        [6, [7, 8]],
      ],
      'two entries of 10 bytes fit in 25; the window of 2 is then full',
    );
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 6 }));
    assert.deepEqual(
      sent(f, 'app')
        .filter((m) => m.to === 2)
        .map((m) => [m.index, m.entries.map((e) => e.index)]),
      [[8, [9]]],
    );
    assert.equal(f.core.status().progress?.get(2)?.state, 'replicate');
  });

  test('a rejection sends a replicating follower back to probing', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    drain(f);
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    drain(f);
    f.core.propose(bytes('a'));
    f.core.propose(bytes('b'));
    drain(f);
    f.core.step(
      msg({
        type: 'appResp',
        from: 2,
        to: 1,
        term: 2,
        index: 5,
        reject: true,
        rejectHint: 4,
        logTerm: 2,
      }),
    );
    const apps = sent(f, 'app');
    assert.deepEqual(
      apps.map((m) => [m.to, m.index, m.entries.length]),
      [[2, 4, 2]],
    );
    assert.equal(f.core.status().progress?.get(2)?.state, 'probe');
    f.core.propose(bytes('c'));
    assert.deepEqual(
      sent(f, 'app').filter((m) => m.to === 2),
      [],
      'one probe at a time',
    );
  });

  test('fast log repair skips a whole conflicting term per round trip', () => {
    // The follower holds entries of a deposed term-4 leader; the leader has term 5 there.
    const leader = fixture(1, {
      logTerms: [1, 1, 1, 5, 5, 5, 5, 5, 5],
      hardState: { term: 5, vote: 0, commit: 3 },
      preVote: false,
    });
    const follower = fixture(2, {
      logTerms: [1, 1, 1, 4, 4, 4, 4],
      hardState: { term: 5, vote: 0, commit: 3 },
    });
    electLeader(leader);
    const fixtures = new Map<number, Fixture>([
      [1, leader],
      [2, follower],
    ]);
    const delivered = exchange(fixtures);
    const toFollower = delivered.filter((m) => m.type === 'app' && m.to === 2);
    const rejections = delivered.filter((m) => m.type === 'appResp' && m.reject);
    assert.deepEqual(
      rejections.map((m) => [m.index, m.rejectHint, m.logTerm]),
      [[9, 7, 4]],
      "the follower's hint names its last entry and that entry's term",
    );
    assert.deepEqual(
      toFollower.map((m) => [m.index, m.logTerm, m.entries.length]),
      [
        [9, 5, 1],
        [3, 1, 7],
        [10, 6, 0],
      ],
      'the leader jumps back past all its term-5 entries at once',
    );
    assert.equal(follower.core.status().lastIndex, 10);
    assert.equal(follower.core.status().hardState.commit, 10);
  });

  test('the leader commits only entries of its own term by counting (Figure 8)', () => {
    const f = fixture(1, {
      logTerms: [1, 2],
      hardState: { term: 3, vote: 0, commit: 1 },
      preVote: false,
    });
    electLeader(f);
    assert.equal(f.core.status().hardState.term, 4);
    drain(f);
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 4, index: 2 }));
    assert.equal(f.core.status().hardState.commit, 1, 'entry 2 is on a majority but of term 2');
    drain(f);
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 4, index: 3 }));
    assert.equal(
      f.core.status().hardState.commit,
      3,
      'committing the term-4 entry commits what precedes it',
    );
    // Node 3 is still being probed, so only node 2 hears of the new commit at once.
    assert.deepEqual(
      sent(f, 'app').map((m) => [m.to, m.commit]),
      [[2, 3]],
    );
  });

  test('a follower answers an append below its commit with its commit index', () => {
    const f = fixture(2, { logTerms: [1, 1, 1], hardState: { term: 1, vote: 0, commit: 3 } });
    f.core.step(msg({ type: 'app', from: 1, to: 2, term: 1, index: 1, logTerm: 1 }));
    assert.deepEqual(
      sent(f).map((m) => [m.type, m.index, m.reject]),
      [['appResp', 3, false]],
    );
  });

  test('heartbeats carry a commit index capped at what the follower is known to hold', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    drain(f);
    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    drain(f);
    f.core.tick();
    const beats = sent(f, 'heartbeat');
    assert.deepEqual(
      beats.map((m) => [m.to, m.commit]),
      [
        [2, 4],
        [3, 0],
      ],
    );
  });

  test('followers forward proposals to the leader unless forwarding is disabled', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(2, 'from-2');
    for (const id of [1, 2, 3]) assert.deepEqual(net.appliedText(id), ['from-2']);
    const strict = new Network([1, 2, 3], { disableProposalForwarding: true });
    strict.elect(1);
    assert.throws(() => strict.propose(2, 'x'), { reason: 'stoppedForwarding' });
  });

  test('maxUncommittedEntriesSize bounds the uncommitted tail of the leader', () => {
    const net = new Network([1, 2, 3], { maxUncommittedEntriesSize: 25 });
    net.elect(1);
    net.isolate(1);
    net.propose(1, '0123456789');
    net.propose(1, 'abcdefghij');
    assert.throws(() => net.propose(1, 'ABCDEFGHIJ'), { reason: 'uncommittedTooLarge' });
    net.heal();
    net.tick(1, 1);
    net.propose(1, 'ABCDEFGHIJ');
    assert.deepEqual(net.appliedText(2), ['0123456789', 'abcdefghij', 'ABCDEFGHIJ']);
  });

  test('a follower whose appends were all lost recovers through heartbeats', () => {
    const net = new Network([1, 2, 3], { maxInflightMsgs: 2 });
    net.elect(1);
    net.drop = (m) => m.type === 'app' && m.to === 3;
    for (let i = 0; i < 6; i++) net.propose(1, `v${i}`);
    assert.equal(net.core(1).status().progress?.get(3)?.state, 'replicate');
    net.drop = () => false;
    net.tick([1, 2, 3], 3);
    assert.deepEqual(net.appliedText(3), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  });

  test('an unreachable report moves a replicating follower to probe', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    assert.equal(net.core(1).status().progress?.get(2)?.state, 'replicate');
    net.core(1).reportUnreachable(2);
    assert.equal(net.core(1).status().progress?.get(2)?.state, 'probe');
    net.propose(1, 'x');
    assert.equal(net.core(1).status().progress?.get(2)?.state, 'replicate');
  });
});
