import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UNSET, checkKvHistory } from './kv-model.ts';
import type { KvOperation } from './kv-model.ts';

let nextClient = 0;
function w(
  key: string,
  value: string,
  invokedAt: number,
  returnedAt: number | undefined,
): KvOperation {
  return {
    client: nextClient++,
    key,
    input: { kind: 'write', value },
    output: undefined,
    invokedAt,
    returnedAt,
  };
}
function r(
  key: string,
  output: string,
  invokedAt: number,
  returnedAt: number | undefined,
): KvOperation {
  return { client: nextClient++, key, input: { kind: 'read' }, output, invokedAt, returnedAt };
}
const verdictOf = (ops: KvOperation[]): string => checkKvHistory(ops).verdict;

test('an empty history is linearizable', () => {
  assert.equal(verdictOf([]), 'linearizable');
});

test('a read of the latest completed write is linearizable', () => {
  assert.equal(verdictOf([w('x', '1', 0, 1), r('x', '1', 2, 3)]), 'linearizable');
});

test('a stale read after a completed write is not linearizable', () => {
  assert.equal(
    verdictOf([w('x', '1', 0, 1), w('x', '2', 2, 3), r('x', '1', 4, 5)]),
    'notLinearizable',
  );
  assert.equal(verdictOf([w('x', '1', 0, 1), r('x', UNSET, 2, 3)]), 'notLinearizable');
});

test('a read overlapping a write may see either value', () => {
  assert.equal(
    verdictOf([w('x', '1', 0, 1), w('x', '2', 2, 6), r('x', '1', 3, 4)]),
    'linearizable',
  );
  assert.equal(
    verdictOf([w('x', '1', 0, 1), w('x', '2', 2, 6), r('x', '2', 3, 4)]),
    'linearizable',
  );
});

test('a read of a value never written is not linearizable', () => {
  assert.equal(verdictOf([w('x', '1', 0, 1), r('x', '7', 0.5, 3)]), 'notLinearizable');
});

test('reads that flip back between two concurrent writes are not linearizable', () => {
  const writes = [w('x', 'a', 0, 10), w('x', 'b', 0, 10)];
  assert.equal(verdictOf([...writes, r('x', 'a', 11, 12), r('x', 'b', 13, 14)]), 'notLinearizable');
  assert.equal(
    verdictOf([...writes, r('x', 'a', 1, 2), r('x', 'b', 3, 4), r('x', 'a', 5, 6)]),
    'notLinearizable',
  );
  assert.equal(
    verdictOf([...writes, r('x', 'a', 1, 2), r('x', 'b', 3, 4), r('x', 'b', 11, 12)]),
    'linearizable',
  );
});

test('a new value seen by one read must be seen by every later read (no stale read-after-read)', () => {
  const ops = [w('x', '1', 0, 1), w('x', '2', 2, 20), r('x', '2', 3, 4), r('x', '1', 5, 6)];
  assert.equal(verdictOf(ops), 'notLinearizable');
});

test('a write with an unknown outcome may take effect late or never', () => {
  assert.equal(verdictOf([w('x', '1', 0, undefined), r('x', UNSET, 5, 6)]), 'linearizable');
  assert.equal(verdictOf([w('x', '1', 0, undefined), r('x', '1', 5, 6)]), 'linearizable');
  assert.equal(
    verdictOf([w('x', '1', 0, undefined), r('x', UNSET, 5, 6), r('x', '1', 7, 8)]),
    'linearizable',
  );
  assert.equal(
    verdictOf([w('x', '1', 0, undefined), r('x', '1', 5, 6), r('x', UNSET, 7, 8)]),
    'notLinearizable',
  );
});

test('a write with an unknown outcome cannot take effect before it was invoked', () => {
  assert.equal(verdictOf([r('x', '1', 0, 1), w('x', '1', 2, undefined)]), 'notLinearizable');
});

test('reads with an unknown outcome constrain nothing', () => {
  assert.equal(verdictOf([w('x', '1', 0, 1), r('x', 'junk', 2, undefined)]), 'linearizable');
});

test('keys are checked independently and the failing key is named', () => {
  const verdict = checkKvHistory([
    w('x', '1', 0, 1),
    w('y', '1', 0, 1),
    r('x', '1', 2, 3),
    r('y', UNSET, 2, 3),
  ]);
  assert.equal(verdict.verdict, 'notLinearizable');
  assert.equal(verdict.key, 'y');
});

test('a step budget too small for the search yields unknown', () => {
  const ops = Array.from({ length: 10 }, (_, i) => w('x', String(i), 0, 100));
  assert.equal(checkKvHistory([...ops, r('x', 'nope', 101, 102)], 50).verdict, 'unknown');
});

test('many concurrent operations on one register are checked quickly thanks to memoization', () => {
  const ops: KvOperation[] = [];
  // Eight clients' worth of overlap over 400 operations.
  for (let i = 0; i < 200; i++) ops.push(w('x', String(i), i, i + 4));
  for (let i = 0; i < 200; i++) ops.push(r('x', String(i), i + 1, i + 5));
  assert.equal(verdictOf(ops), 'linearizable');
});

test('many writes with unknown outcomes that no read observed do not slow the search', () => {
  const ops: KvOperation[] = [];
  for (let i = 0; i < 60; i++) ops.push(w('x', `lost${i}`, i, undefined));
  for (let i = 0; i < 60; i++)
    ops.push(
      w('x', `ok${i}`, 100 + 2 * i, 101 + 2 * i),
      r('x', `ok${i}`, 101.5 + 2 * i, 101.9 + 2 * i),
    );
  ops.push(r('x', 'lost7', 300, 301));
  assert.equal(verdictOf(ops), 'linearizable');
  ops.push(r('x', 'ok59', 302, 303));
  assert.equal(verdictOf(ops), 'notLinearizable');
});

test('with repeated write values, unknown writes are kept whole and still checked', () => {
  const ops = [
    w('x', '1', 0, 1),
    w('x', '2', 2, 3),
    w('x', '1', 4, undefined),
    r('x', '1', 10, 11),
  ];
  assert.equal(verdictOf(ops), 'linearizable');
  assert.equal(verdictOf([...ops, r('x', '2', 12, 13)]), 'notLinearizable');
});

type SeqOp = { key: 'a' | 'b' | 'c'; write: boolean; value: number };
const seqOps = fc.array(
  fc.record({
    key: fc.constantFrom<'a' | 'b' | 'c'>('a', 'b', 'c'),
    write: fc.boolean(),
    value: fc.nat(3),
  }),
  { maxLength: 40 },
);

/** Runs `ops` one after another against a real map, recording honest results. */
function sequentialHistory(ops: SeqOp[], gap: number): KvOperation[] {
  const map = new Map<string, string>();
  return ops.map((op, i) => {
    const t = i * (1 + gap);
    if (op.write) {
      map.set(op.key, String(op.value));
      return w(op.key, String(op.value), t, t + 1);
    }
    return r(op.key, map.get(op.key) ?? UNSET, t, t + 1);
  });
}

test('property: every sequential history of a real map is linearizable', () => {
  fc.assert(
    fc.property(seqOps, fc.constantFrom(0, 1), (ops, gap) => {
      assert.equal(verdictOf(sequentialHistory(ops, gap)), 'linearizable');
    }),
  );
});

test('property: changing one read of a strictly sequential history makes it non-linearizable', () => {
  fc.assert(
    fc.property(seqOps, fc.nat(), (ops, pick) => {
      const history = sequentialHistory(ops, 1);
      const reads = history.flatMap((op, i) => (op.input.kind === 'read' ? [i] : []));
      fc.pre(reads.length > 0);
      const at = reads[pick % reads.length]!;
      const op = history[at]!;
      // Any other value, including one written earlier or later, has no sequential explanation.
      const others = [UNSET, '0', '1', '2', '3'].filter((v) => v !== op.output);
      history[at] = { ...op, output: others[pick % others.length]! };
      assert.equal(verdictOf(history), 'notLinearizable');
    }),
  );
});

test('property: concurrent histories of an atomic register are linearizable', () => {
  // Each operation takes effect at one instant inside its interval, as a real atomic register.
  const timed = fc.array(
    fc.record({
      write: fc.boolean(),
      value: fc.nat(4),
      start: fc.nat(50),
      before: fc.nat(10),
      after: fc.nat(10),
    }),
    { maxLength: 25 },
  );
  fc.assert(
    fc.property(timed, (ops) => {
      let value = UNSET;
      const history = ops
        .map((op, i) => ({ ...op, at: op.start + op.before + i / 100 }))
        .sort((a, b) => a.at - b.at)
        .map((op) => {
          const invokedAt = op.at - op.before - 0.001;
          const returnedAt = op.at + op.after + 0.001;
          if (op.write) {
            value = String(op.value);
            return w('k', value, invokedAt, returnedAt);
          }
          return r('k', value, invokedAt, returnedAt);
        });
      assert.equal(verdictOf(history), 'linearizable');
    }),
  );
});
