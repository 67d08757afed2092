import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InvariantError } from '../../../src/base/errors.ts';
import { Inflights } from '../../../src/raft/core/inflights.ts';

describe('Inflights', () => {
  test('fills up, frees up to an index and wraps around the ring', () => {
    const ins = new Inflights(4);
    for (const i of [1, 2, 3, 4]) ins.add(i);
    assert.ok(ins.full());
    assert.throws(() => ins.add(5), InvariantError);
    ins.freeLE(2);
    assert.deepEqual(ins.indexes(), [3, 4]);
    ins.add(5);
    ins.add(6);
    assert.deepEqual(ins.indexes(), [3, 4, 5, 6]);
    ins.freeLE(0);
    assert.equal(ins.count, 4);
    ins.freeFirstOne();
    assert.deepEqual(ins.indexes(), [4, 5, 6]);
    ins.freeLE(100);
    assert.equal(ins.count, 0);
    ins.reset();
    assert.equal(ins.full(), false);
  });

  test('rejects indexes that do not increase and bad capacities', () => {
    const ins = new Inflights(2);
    ins.add(5);
    assert.throws(() => ins.add(5), InvariantError);
    assert.throws(() => new Inflights(0), RangeError);
  });

  test('property: behaves like a bounded FIFO of increasing indexes', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'add' as const }),
      fc.record({ kind: fc.constant('free' as const), to: fc.nat(40) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 60 }), (cap, ops) => {
        const ins = new Inflights(cap);
        const model: number[] = [];
        let next = 1;
        for (const o of ops) {
          if (o.kind === 'add') {
            if (model.length === cap) continue;
            ins.add(next);
            model.push(next);
            next += 1 + (next % 3);
          } else {
            ins.freeLE(o.to);
            while (model.length > 0 && model[0]! <= o.to) model.shift();
          }
          assert.deepEqual(ins.indexes(), model);
          assert.equal(ins.full(), model.length === cap);
        }
      }),
    );
  });
});
