import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { committedIndex, majority, voteResult } from '../../../src/raft/core/quorum.ts';

/** The naive oracle: an index is committed when at least a majority have matched it. */
function naiveCommitted(matches: readonly number[]): number {
  if (matches.length === 0) return 0;
  let best = 0;
  for (const candidate of matches) {
    const holders = matches.filter((m) => m >= candidate).length;
    if (holders >= majority(matches.length)) best = Math.max(best, candidate);
  }
  return best;
}

describe('quorum', () => {
  test('majority sizes', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(majority), [1, 2, 2, 3, 3, 4, 4]);
  });

  test('committed index is the highest index a majority matched', () => {
    const of = (m: Record<number, number>) => (id: number) => m[id] ?? 0;
    assert.equal(committedIndex([1, 2, 3], of({ 1: 5, 2: 3, 3: 1 })), 3);
    assert.equal(committedIndex([1, 2, 3, 4], of({ 1: 5, 2: 3, 3: 1, 4: 9 })), 3);
    assert.equal(committedIndex([1], of({ 1: 7 })), 7);
    assert.equal(committedIndex([1, 2, 3], of({ 1: 7 })), 0);
    assert.equal(committedIndex([], of({})), 0);
  });

  test('property: committed index agrees with a sort-free oracle', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 9 }), (matches) => {
        const ids = matches.map((_, i) => i + 1);
        assert.equal(
          committedIndex(ids, (id) => matches[id - 1] ?? 0),
          naiveCommitted(matches),
        );
      }),
    );
  });

  test('vote results', () => {
    const votes = (entries: [number, boolean][]) => new Map(entries);
    assert.equal(voteResult([1, 2, 3], votes([[1, true]])), 'pending');
    assert.equal(
      voteResult(
        [1, 2, 3],
        votes([
          [1, true],
          [2, true],
        ]),
      ),
      'won',
    );
    assert.equal(
      voteResult(
        [1, 2, 3],
        votes([
          [1, false],
          [2, false],
        ]),
      ),
      'lost',
    );
    assert.equal(
      voteResult(
        [1, 2, 3, 4],
        votes([
          [1, true],
          [2, true],
          [3, false],
        ]),
      ),
      'pending',
    );
    assert.equal(
      voteResult(
        [1, 2, 3, 4],
        votes([
          [1, true],
          [2, false],
          [3, false],
        ]),
      ),
      'lost',
    );
    // Votes of non-voters do not count.
    assert.equal(
      voteResult(
        [1, 2, 3],
        votes([
          [1, true],
          [9, true],
          [8, true],
        ]),
      ),
      'pending',
    );
    assert.equal(voteResult([], votes([[1, true]])), 'lost');
  });

  test('property: a vote is won exactly when a majority granted', () => {
    const vote = fc.constantFrom<boolean | undefined>(true, false, undefined);
    fc.assert(
      fc.property(fc.array(vote, { minLength: 1, maxLength: 9 }), (vs) => {
        const voters = vs.map((_, i) => i + 1);
        const map = new Map<number, boolean>();
        vs.forEach((v, i) => {
          if (v !== undefined) map.set(i + 1, v);
        });
        const granted = vs.filter((v) => v === true).length;
        const open = vs.filter((v) => v === undefined).length;
        const need = majority(vs.length);
        const expected = granted >= need ? 'won' : granted + open >= need ? 'pending' : 'lost';
        assert.equal(voteResult(voters, map), expected);
      }),
    );
  });
});
