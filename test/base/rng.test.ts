import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../../src/base/rng.ts';

test('the same seed replays the same sequence', () => {
  const a = new SeededRng(42);
  const b = new SeededRng(42);
  const seqA = Array.from({ length: 20 }, () => a.next());
  const seqB = Array.from({ length: 20 }, () => b.next());
  assert.deepEqual(seqA, seqB);
  assert.notDeepEqual(
    seqA,
    Array.from({ length: 20 }, () => new SeededRng(43).next()),
  );
});

test('int stays in range and covers it', () => {
  const rng = new SeededRng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const v = rng.int(6);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 6);
    seen.add(v);
  }
  assert.equal(seen.size, 6);
  assert.throws(() => rng.int(0), RangeError);
});

test('fork gives independent streams that do not depend on the parent position', () => {
  const parent = new SeededRng(1);
  const forkBefore = parent.fork('net').next();
  parent.next();
  parent.next();
  assert.equal(parent.fork('net').next(), forkBefore);
  assert.notEqual(parent.fork('disk').next(), forkBefore);
});
