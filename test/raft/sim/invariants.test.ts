// The invariant checkers must catch what they claim to: each test forges a history that
// breaks one rule and expects the violation that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, EntryType } from '../../../src/raft/core/types.ts';
import { INVARIANTS, InvariantChecker, SimViolation } from './invariants.ts';
import type { LogView } from './invariants.ts';
import { encodeProposal, entryKey } from './payload.ts';
import { HashStateMachine } from './state-machine.ts';

function entry(
  index: number,
  term: number,
  data: Uint8Array = new Uint8Array(0),
  type: EntryType = 'normal',
): Entry {
  return { index, term, type, data };
}

function proposal(id: number, proposer: number): Uint8Array {
  return encodeProposal({ id, proposer });
}

/** A log view over `entries` (index 1 onwards), as a node's storage would give it. */
function logOf(entries: readonly Entry[]): LogView {
  return {
    firstIndex: () => 1,
    lastIndex: () => entries.length,
    term: (index) => (index === 0 ? 0 : entries[index - 1]!.term),
  };
}

function expectViolation(invariant: string, action: () => void): SimViolation {
  let caught: unknown;
  try {
    action();
  } catch (err) {
    caught = err;
  }
  assert.ok(
    caught instanceof SimViolation,
    `expected a violation of ${invariant}, got ${String(caught)}`,
  );
  assert.equal(caught.invariant, invariant);
  assert.match(caught.message, /seed 7 \(forged\), step 42/);
  return caught;
}

/** Applies `entries` on `node` as a shell would, returning the state machine. */
function applyAll(
  checker: InvariantChecker,
  node: number,
  entries: readonly Entry[],
): HashStateMachine {
  const sm = new HashStateMachine(0, 0);
  for (const e of entries) {
    sm.apply(e);
    checker.observeApply(node, e, sm.hash);
  }
  return sm;
}

function newChecker(): InvariantChecker {
  const checker = new InvariantChecker(7, 'forged');
  checker.step = 42;
  return checker;
}

test('two leaders in one term break election safety', () => {
  const checker = newChecker();
  checker.observeLeader(1, 3, logOf([]));
  checker.observeLeader(1, 3, logOf([])); // the same leader seen twice is fine
  checker.observeLeader(2, 4, logOf([]));
  const v = expectViolation(INVARIANTS.electionSafety, () =>
    checker.observeLeader(2, 3, logOf([])),
  );
  assert.match(v.message, /nodes 1 and 2 both led term 3/);
});

test('the same index and term after different previous terms breaks log matching', () => {
  const checker = newChecker();
  checker.observeAppend(1, [entry(1, 1), entry(2, 2)], 0);
  checker.observeAppend(2, [entry(1, 1)], 0);
  checker.observeAppend(2, [entry(2, 2)], 1); // the same point, same predecessor
  expectViolation(INVARIANTS.logMatching, () => checker.observeAppend(3, [entry(2, 2)], 2));
});

test('the same index and term with different data breaks log matching', () => {
  const checker = newChecker();
  checker.observeAppend(1, [entry(1, 1, proposal(1, 1))], 0);
  expectViolation(INVARIANTS.logMatching, () =>
    checker.observeAppend(2, [entry(1, 1, proposal(2, 1))], 0),
  );
});

test('a log whose terms go down breaks log matching', () => {
  const checker = newChecker();
  expectViolation(INVARIANTS.logMatching, () =>
    checker.observeAppend(1, [entry(1, 2), entry(2, 1)], 0),
  );
});

test('a leader elected without a committed entry breaks leader completeness', () => {
  const checker = newChecker();
  const committed = [entry(1, 1), entry(2, 2, proposal(1, 1))];
  checker.observeCommit(1, 2, committed);
  // A leader of term 2 (the commit may have happened later in that term) is not judged.
  checker.observeLeader(3, 2, logOf([entry(1, 1)]));
  checker.observeLeader(1, 3, logOf(committed));
  const v = expectViolation(INVARIANTS.leaderCompleteness, () =>
    checker.observeLeader(2, 4, logOf([entry(1, 1), entry(2, 3)])),
  );
  assert.match(v.message, /node 2 leads term 4 but holds term 3 at index 2/);
});

test('two nodes committing different entries at one index break state machine safety', () => {
  const checker = newChecker();
  checker.observeCommit(1, 2, [entry(1, 1), entry(2, 2, proposal(1, 1))]);
  checker.observeCommit(2, 2, [entry(1, 1)]);
  expectViolation(INVARIANTS.stateMachineSafety, () =>
    checker.observeCommit(2, 3, [entry(2, 2, proposal(9, 2))]),
  );
});

test('a divergent applied sequence breaks state machine safety', () => {
  const checker = newChecker();
  const history = [entry(1, 1), entry(2, 1, proposal(1, 1)), entry(3, 1, proposal(2, 1))];
  checker.observeCommit(1, 1, history);
  applyAll(checker, 1, history);
  applyAll(checker, 2, history.slice(0, 2)); // a prefix is fine
  expectViolation(INVARIANTS.stateMachineSafety, () =>
    applyAll(checker, 3, [history[0]!, entry(2, 1, proposal(7, 3))]),
  );
});

test('applying an entry nobody committed breaks state machine safety', () => {
  const checker = newChecker();
  checker.observeCommit(1, 1, [entry(1, 1)]);
  expectViolation(INVARIANTS.stateMachineSafety, () =>
    applyAll(checker, 1, [entry(1, 1), entry(2, 1)]),
  );
});

test('a snapshot that does not match the applied history breaks state machine safety', () => {
  const checker = newChecker();
  const history = [entry(1, 1, proposal(1, 1)), entry(2, 1, proposal(2, 1))];
  checker.observeCommit(1, 1, history);
  const sm = applyAll(checker, 1, history);
  checker.observeSnapshot(2, 2, 1, sm.hash);
  expectViolation(INVARIANTS.stateMachineSafety, () =>
    checker.observeSnapshot(3, 2, 1, sm.hash ^ 1),
  );
  expectViolation(INVARIANTS.stateMachineSafety, () => checker.observeSnapshot(3, 2, 2, sm.hash));
});

test('an acknowledged proposal missing from the final history is reported lost', () => {
  const checker = newChecker();
  const acked = entry(2, 1, proposal(5, 1));
  const history = [entry(1, 1), acked];
  checker.observeCommit(1, 1, history);
  applyAll(checker, 1, history); // node 1 proposed p5 and applied it: acknowledged
  assert.equal(checker.acknowledged, 1);
  const finalKeys = [entryKey(entry(1, 1)), entryKey(entry(2, 2, proposal(6, 2)))];
  const v = expectViolation(INVARIANTS.acknowledgedKept, () =>
    checker.checkAcknowledged({ firstIndex: 1, commit: 2, keyAt: (i) => finalKeys[i - 1]! }),
  );
  assert.match(v.message, /proposal 5 was acknowledged at index 2/);
  expectViolation(INVARIANTS.acknowledgedKept, () =>
    checker.checkAcknowledged({ firstIndex: 1, commit: 1, keyAt: (i) => finalKeys[i - 1]! }),
  );
  checker.checkAcknowledged({ firstIndex: 1, commit: 2, keyAt: (i) => entryKey(history[i - 1]!) });
});

test('a proposal applied only on another node is not acknowledged', () => {
  const checker = newChecker();
  const history = [entry(1, 1, proposal(5, 1))];
  checker.observeCommit(2, 1, history);
  applyAll(checker, 2, history);
  assert.equal(checker.acknowledged, 0);
});
