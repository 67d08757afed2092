import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvariantError } from '../../../src/base/errors.ts';
import { MemoryStorage } from '../../../src/raft/core/memory-storage.ts';
import { RaftCore } from '../../../src/raft/core/raft-core.ts';
import { bytes, drain, fixture, msg, sent } from './support/core-fixture.ts';
import { entries } from './support/entries.ts';
import { Network } from './support/network.ts';

describe('RaftCore restart', () => {
  test('a whole cluster restarted from storage keeps its log and carries on', () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    for (const v of ['a', 'b']) net.propose(1, v);
    const before = net.core(2).status();
    for (const id of [1, 2, 3]) net.restart(id);
    const after = net.core(2).status();
    assert.deepEqual(after.hardState, before.hardState);
    assert.equal(after.lastIndex, before.lastIndex);
    assert.deepEqual(after.softState, { leader: 0, role: 'follower' });
    net.stabilize();
    assert.deepEqual(net.appliedText(2), ['a', 'b'], 'committed entries are replayed');
    net.tick([1, 2, 3], 30);
    const [leader] = net.leaders();
    assert.ok(leader !== undefined);
    net.propose(leader, 'c');
    for (const id of [1, 2, 3]) assert.deepEqual(net.appliedText(id), ['a', 'b', 'c']);
  });

  test('a restarted voter remembers its vote for the term', () => {
    const f = fixture(2, { preVote: false });
    drain(f);
    f.core.step(msg({ type: 'vote', from: 1, to: 2, term: 2, index: 3, logTerm: 1 }));
    drain(f);
    const again = new RaftCore({ id: 2, storage: f.storage, random: () => 0, preVote: false });
    again.step(msg({ type: 'vote', from: 3, to: 2, term: 2, index: 3, logTerm: 1 }));
    const rd = again.ready();
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.to, m.reject]),
      [['voteResp', 3, true]],
    );
  });

  test('a restart over a snapshot applies only what follows it', () => {
    const storage = new MemoryStorage({ voters: [1, 2, 3], learners: [] });
    storage.append(entries(1, 8, 1));
    storage.setHardState({ term: 1, vote: 0, commit: 7 });
    storage.createSnapshot(5, { voters: [1, 2, 3], learners: [] }, bytes('s'));
    storage.compact(5);
    const core = new RaftCore({ id: 1, storage, random: () => 0 });
    assert.equal(core.status().applied, 5);
    assert.deepEqual(
      core.ready().committedEntries.map((e) => e.index),
      [6, 7],
    );
    const later = new RaftCore({ id: 1, storage, applied: 6, random: () => 0 });
    assert.deepEqual(
      later.ready().committedEntries.map((e) => e.index),
      [7],
    );
  });

  test('a commit index beyond the stored log or applied beyond commit is a broken invariant', () => {
    const storage = new MemoryStorage({ voters: [1], learners: [] });
    storage.append(entries(1, 2, 1));
    storage.setHardState({ term: 1, vote: 0, commit: 5 });
    assert.throws(() => new RaftCore({ id: 1, storage, random: () => 0 }), InvariantError);
    storage.setHardState({ term: 1, vote: 0, commit: 1 });
    assert.throws(
      () => new RaftCore({ id: 1, storage, applied: 2, random: () => 0 }),
      InvariantError,
    );
  });

  test('a restarted follower answers the leader from its durable log', () => {
    const f = fixture(2, { logTerms: [1, 1, 2], hardState: { term: 2, vote: 1, commit: 2 } });
    f.core.step(msg({ type: 'app', from: 1, to: 2, term: 2, index: 3, logTerm: 2, commit: 3 }));
    assert.deepEqual(
      sent(f).map((m) => [m.type, m.index, m.reject]),
      [['appResp', 3, false]],
    );
    assert.equal(f.core.status().hardState.commit, 3);
  });
});
