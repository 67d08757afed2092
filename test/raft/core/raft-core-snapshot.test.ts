import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytes, drain, electLeader, fixture, msg, sent } from './support/core-fixture.ts';
import { snapshot } from './support/entries.ts';
import { Network } from './support/network.ts';

describe('RaftCore snapshots', () => {
  test('a follower behind the compaction point is brought back by a snapshot', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.isolate(3);
    for (const v of ['a', 'b', 'c']) net.propose(1, v);
    const leader = net.node(1);
    const applied = leader.core.status().applied;
    leader.storage.createSnapshot(applied, leader.confState, bytes('abc'));
    leader.storage.compact(applied);
    net.heal();
    net.propose(1, 'd');
    net.tick([1, 2, 3], 2);
    const snaps = net.delivered.filter((m) => m.type === 'snap');
    assert.deepEqual(
      snaps.map((m) => [m.to, m.snapshot?.metadata.index]),
      [[3, applied]],
    );
    assert.equal(net.node(3).storage.snapshot().metadata.index, applied);
    assert.deepEqual(net.appliedText(3), ['d'], 'entries after the snapshot are applied normally');
    assert.equal(net.core(1).status().progress?.get(3)?.state, 'replicate');
  });

  test('the leader sends its storage snapshot and waits in the snapshot state', () => {
    const f = fixture(1, {
      logTerms: [1, 1, 1, 1, 1],
      hardState: { term: 1, vote: 0, commit: 5 },
      snapshotAt: 4,
      preVote: false,
    });
    electLeader(f);
    drain(f);
    f.core.step(
      msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 5, reject: true, rejectHint: 0 }),
    );
    const snaps = sent(f, 'snap');
    assert.deepEqual(
      snaps.map((m) => [m.to, m.snapshot?.metadata.index, m.snapshot?.metadata.term]),
      [[2, 4, 1]],
    );
    assert.equal(f.core.status().progress?.get(2)?.state, 'snapshot');
    f.core.step(msg({ type: 'heartbeatResp', from: 2, to: 1, term: 2 }));
    assert.deepEqual(
      sent(f, 'app').filter((m) => m.to === 2),
      [],
      'no appends while the snapshot is in flight',
    );

    f.core.reportSnapshot(2, false);
    assert.equal(f.core.status().progress?.get(2)?.state, 'probe');
    assert.deepEqual(sent(f, 'snap'), [], 'a failed snapshot is retried after the next heartbeat');
    f.core.step(msg({ type: 'heartbeatResp', from: 2, to: 1, term: 2 }));
    assert.deepEqual(
      sent(f, 'snap').map((m) => m.to),
      [2],
    );

    f.core.step(msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 4 }));
    assert.equal(
      f.core.status().progress?.get(2)?.state,
      'replicate',
      'caught up past the compaction point',
    );
    assert.deepEqual(
      sent(f, 'app').map((m) => [m.to, m.index, m.entries.length]),
      [[2, 4, 2]],
    );
  });

  test('a successful snapshot report waits for the follower before sending appends', () => {
    const f = fixture(1, {
      logTerms: [1, 1, 1, 1, 1],
      hardState: { term: 1, vote: 0, commit: 5 },
      snapshotAt: 4,
      preVote: false,
    });
    electLeader(f);
    drain(f);
    f.core.step(
      msg({ type: 'appResp', from: 2, to: 1, term: 2, index: 5, reject: true, rejectHint: 0 }),
    );
    drain(f);
    f.core.reportSnapshot(2, true);
    assert.deepEqual(f.core.status().progress?.get(2), {
      match: 0,
      next: 5,
      state: 'probe',
      isLearner: false,
      recentActive: true,
      active: true,
    });
    assert.deepEqual(
      sent(f, 'app').filter((m) => m.to === 2),
      [],
    );
  });

  test('a follower installs a snapshot: log reset, membership and commit from the snapshot', () => {
    const f = fixture(2, { logTerms: [1, 1], hardState: { term: 3, vote: 0, commit: 1 } });
    drain(f);
    const snap = snapshot(10, 3, { voters: [1, 2, 3], learners: [4] });
    f.core.step(msg({ type: 'snap', from: 1, to: 2, term: 3, snapshot: snap }));
    const rd = drain(f);
    assert.equal(rd.snapshot, snap);
    assert.equal(rd.mustSync, true, 'the acknowledgement relies on the snapshot being durable');
    assert.deepEqual(rd.committedEntries, [], 'nothing is applied before the snapshot');
    assert.deepEqual(rd.hardState, { term: 3, vote: 0, commit: 10 });
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.to, m.index]),
      [['appResp', 1, 10]],
    );
    const st = f.core.status();
    assert.deepEqual([st.applied, st.lastIndex, st.softState.leader], [10, 10, 1]);
    assert.deepEqual(st.confState, { voters: [1, 2, 3], learners: [4] });
    f.core.step(
      msg({
        type: 'app',
        from: 1,
        to: 2,
        term: 3,
        index: 10,
        logTerm: 3,
        commit: 11,
        entries: [{ index: 11, term: 3, type: 'normal', data: bytes('x') }],
      }),
    );
    assert.deepEqual(
      drain(f).committedEntries.map((e) => e.index),
      [11],
    );
  });

  test('a snapshot at or below the commit index is old news', () => {
    const f = fixture(2, { logTerms: [1, 1, 1], hardState: { term: 1, vote: 0, commit: 3 } });
    drain(f);
    f.core.step(msg({ type: 'snap', from: 1, to: 2, term: 1, snapshot: snapshot(2, 1) }));
    const rd = drain(f);
    assert.equal(rd.snapshot, undefined);
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.index]),
      [['appResp', 3]],
    );
  });

  test('a snapshot whose last entry we hold only moves the commit index', () => {
    const f = fixture(2, { logTerms: [1, 1, 1, 1], hardState: { term: 1, vote: 0, commit: 1 } });
    drain(f);
    f.core.step(msg({ type: 'snap', from: 1, to: 2, term: 1, snapshot: snapshot(3, 1) }));
    const rd = drain(f);
    assert.equal(rd.snapshot, undefined);
    assert.deepEqual(rd.hardState, { term: 1, vote: 0, commit: 3 });
    assert.deepEqual(
      rd.committedEntries.map((e) => e.index),
      [2, 3],
    );
    assert.equal(f.core.status().lastIndex, 4, 'the log is kept');
  });
});
