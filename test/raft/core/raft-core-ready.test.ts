import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvariantError } from '../../../src/base/errors.ts';
import { bytes, drain, electLeader, fixture, msg } from './support/core-fixture.ts';
import { entry } from './support/entries.ts';

describe('RaftCore Ready and advance', () => {
  test('nothing is ready once everything was handled', () => {
    const f = fixture(1);
    drain(f);
    assert.equal(f.core.hasReady(), false);
    const rd = f.core.ready();
    assert.deepEqual(
      [
        rd.entries,
        rd.committedEntries,
        rd.messages,
        rd.readStates,
        rd.mustSync,
        rd.hardState,
        rd.softState,
      ],
      [[], [], [], [], false, undefined, undefined],
    );
    f.core.advance(rd);
  });

  test('hard state appears only when it changed; a commit change alone needs no fsync', () => {
    const f = fixture(2, { logTerms: [1, 1], hardState: { term: 1, vote: 0, commit: 0 } });
    f.core.step(msg({ type: 'heartbeat', from: 1, to: 2, term: 1, commit: 2 }));
    let rd = drain(f);
    assert.deepEqual(rd.hardState, { term: 1, vote: 0, commit: 2 });
    assert.equal(rd.mustSync, false);
    assert.deepEqual(rd.softState, { leader: 1, role: 'follower' });
    assert.deepEqual(
      rd.committedEntries.map((e) => e.index),
      [1, 2],
    );
    f.core.step(msg({ type: 'heartbeat', from: 1, to: 2, term: 1, commit: 2 }));
    rd = drain(f);
    assert.equal(rd.hardState, undefined);
    assert.equal(rd.softState, undefined);
    f.core.step(
      msg({ type: 'app', from: 1, to: 2, term: 1, index: 2, logTerm: 1, entries: [entry(3, 1)] }),
    );
    rd = drain(f);
    assert.equal(rd.hardState, undefined);
    assert.equal(rd.mustSync, true, 'new entries must be synced');
  });

  test('ready twice without advance, or advance with another Ready, breaks the contract', () => {
    const f = fixture(1);
    const rd = f.core.ready();
    assert.equal(f.core.hasReady(), false, 'nothing more until advance');
    assert.throws(() => f.core.ready(), InvariantError);
    assert.throws(() => f.core.advance({ ...rd }), InvariantError);
    f.core.advance(rd);
    assert.throws(() => f.core.advance(rd), InvariantError);
  });

  test('work done between ready and advance lands in the next Ready, without duplicates', () => {
    const f = fixture(1, { preVote: false });
    electLeader(f);
    const rd = f.core.ready();
    f.core.propose(bytes('x'));
    f.storage.append(rd.entries);
    if (rd.hardState !== undefined) f.storage.setHardState(rd.hardState);
    f.core.advance(rd);
    const next = drain(f);
    assert.deepEqual(
      next.entries.map((e) => e.index),
      [rd.entries[rd.entries.length - 1]!.index + 1],
    );
    assert.deepEqual(
      next.entries.map((e) => new TextDecoder().decode(e.data)),
      ['x'],
    );
  });

  test('entries replaced between ready and advance are emitted again', () => {
    const f = fixture(2, { logTerms: [1], hardState: { term: 1, vote: 0, commit: 1 } });
    drain(f);
    f.core.step(
      msg({
        type: 'app',
        from: 1,
        to: 2,
        term: 1,
        index: 1,
        logTerm: 1,
        commit: 1,
        entries: [entry(2, 1), entry(3, 1)],
      }),
    );
    const rd = f.core.ready();
    assert.deepEqual(
      rd.entries.map((e) => `${e.index}/${e.term}`),
      ['2/1', '3/1'],
    );
    // A new leader overwrites entry 3 before the shell has advanced.
    f.core.step(
      msg({
        type: 'app',
        from: 3,
        to: 2,
        term: 2,
        index: 2,
        logTerm: 1,
        commit: 1,
        entries: [entry(3, 2)],
      }),
    );
    f.storage.append(rd.entries);
    f.core.advance(rd);
    // The tail from the first unconfirmed entry is emitted again; rewriting 2/1 is harmless.
    const next = drain(f);
    assert.deepEqual(
      next.entries.map((e) => `${e.index}/${e.term}`),
      ['2/1', '3/2'],
    );
    assert.equal(f.storage.term(3), 2);
  });

  test('committed entries per Ready are bounded by maxCommittedSizePerReady', () => {
    const f = fixture(2, {
      logTerms: [1, 1, 1, 1, 1],
      hardState: { term: 1, vote: 0, commit: 5 },
      maxCommittedSizePerReady: 2,
    });
    const sizes: number[][] = [];
    while (f.core.hasReady()) sizes.push(drain(f).committedEntries.map((e) => e.index));
    assert.deepEqual(sizes, [[1, 2], [3, 4], [5]]);
  });

  test('the core refuses an impossible configuration', () => {
    assert.throws(() => fixture(1, { electionTick: 1, heartbeatTick: 1 }), RangeError);
    assert.throws(() => fixture(1, { maxInflightMsgs: 0 }), RangeError);
    assert.throws(() => fixture(0), RangeError);
  });
});
