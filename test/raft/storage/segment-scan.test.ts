import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { ByteWriter } from '../../../src/raft/codec/index.ts';
import { scanSegment } from '../../../src/raft/storage/segment-scan.ts';
import { CorruptLogError } from '../../../src/raft/storage/types.ts';
import { RecordType, beginRecord, endRecord } from '../../../src/raft/storage/wal-record.ts';
import { flipByte } from './support/storage-fixtures.ts';

/** A segment of `payloads` as hard-state records, and the offset each record starts at. */
function segmentOf(payloads: readonly Uint8Array[]): { bytes: Buffer; starts: number[] } {
  const w = new ByteWriter();
  const starts: number[] = [];
  for (const payload of payloads) {
    const start = beginRecord(w);
    starts.push(start);
    w.raw(payload);
    endRecord(w, start, RecordType.hardState);
  }
  return { bytes: w.finish(), starts };
}

const payloadsArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), {
  minLength: 1,
  maxLength: 8,
});

describe('scanSegment', () => {
  test('an intact segment yields every record', () => {
    fc.assert(
      fc.property(payloadsArb, (payloads) => {
        const { bytes, starts } = segmentOf(payloads);
        const scan = scanSegment(bytes, 'seg', false);
        assert.equal(scan.validEnd, bytes.length);
        assert.deepEqual(
          scan.records.map((r) => r.offset),
          starts,
        );
        assert.deepEqual(
          scan.records.map((r) => new Uint8Array(r.record.payload)),
          payloads,
        );
      }),
    );
  });

  test('a final segment cut anywhere keeps exactly the whole records before the cut', () => {
    fc.assert(
      fc.property(payloadsArb, fc.nat(), (payloads, at) => {
        const { bytes, starts } = segmentOf(payloads);
        const cut = at % (bytes.length + 1);
        const scan = scanSegment(bytes.subarray(0, cut), 'seg', true);
        const whole = [...starts, bytes.length].filter((end, i) => i > 0 && end <= cut).length;
        assert.equal(scan.records.length, whole);
        assert.equal(scan.validEnd, [0, ...starts.slice(1), bytes.length][whole]);
      }),
    );
  });

  test('a flipped byte in any record but the last is corruption at that record', () => {
    fc.assert(
      fc.property(payloadsArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (payloads, at, mask) => {
        fc.pre(payloads.length >= 2);
        const { bytes, starts } = segmentOf(payloads);
        const lastStart = starts[starts.length - 1]!;
        const pos = at % lastStart;
        flipByte(bytes, pos, mask);
        const victim = starts.filter((s) => s <= pos).length - 1;
        assert.throws(
          () => scanSegment(bytes, 'seg', true),
          (err: unknown) => err instanceof CorruptLogError && err.offset === starts[victim],
        );
      }),
    );
  });

  test('a flipped byte in the last record of the final segment is a torn tail', () => {
    fc.assert(
      fc.property(payloadsArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (payloads, at, mask) => {
        const { bytes, starts } = segmentOf(payloads);
        const lastStart = starts[starts.length - 1]!;
        flipByte(bytes, lastStart + (at % (bytes.length - lastStart)), mask);
        const scan = scanSegment(bytes, 'seg', true);
        assert.equal(scan.validEnd, lastStart);
        assert.equal(scan.records.length, payloads.length - 1);
      }),
    );
  });

  test('any damage in a sealed segment is corruption', () => {
    const { bytes } = segmentOf([Uint8Array.of(1, 2, 3)]);
    assert.throws(() => scanSegment(bytes.subarray(0, bytes.length - 1), 'old.wal', false), {
      name: 'CorruptLogError',
      file: 'old.wal',
      offset: 0,
    });
    const zeros = Buffer.concat([bytes, Buffer.alloc(32)]);
    assert.throws(() => scanSegment(zeros, 'old.wal', false), CorruptLogError);
  });

  test('garbage that hides an intact record further on is corruption', () => {
    const { bytes } = segmentOf([Uint8Array.of(9, 9)]);
    const withJunk = Buffer.concat([Buffer.from('junk!junk!junk!'), bytes]);
    assert.throws(() => scanSegment(withJunk, 'seg', true), { name: 'CorruptLogError', offset: 0 });
  });
});
