import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ByteReader,
  ByteWriter,
  DecodeError,
  decodeMessage,
  encodeMessage,
  readHardState,
  wireMessageTypes,
  writeHardState,
} from '../../../src/raft/codec/index.ts';
import type { Entry, Message } from '../../../src/raft/core/types.ts';

const uint = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const small = fc.integer({ min: 0, max: 1_000_000 });
const bytes = fc.uint8Array({ maxLength: 64 });
const entry: fc.Arbitrary<Entry> = fc.record({
  term: small,
  index: uint,
  type: fc.constantFrom('normal' as const, 'confChange' as const),
  data: bytes,
});
const message: fc.Arbitrary<Message> = fc
  .record({
    type: fc.constantFrom(...wireMessageTypes),
    to: small,
    from: small,
    term: uint,
    logTerm: small,
    index: uint,
    commit: uint,
    rejectHint: uint,
    reject: fc.boolean(),
    entries: fc.array(entry, { maxLength: 5 }),
    snapshot: fc.option(
      fc.record({
        metadata: fc.record({
          index: uint,
          term: small,
          confState: fc.record({ voters: fc.array(small), learners: fc.array(small) }),
        }),
        data: bytes,
      }),
      { nil: undefined },
    ),
    context: fc.option(bytes, { nil: undefined }),
  })
  .map(({ snapshot, context, ...rest }) => ({
    ...rest,
    ...(snapshot ? { snapshot } : {}),
    ...(context ? { context } : {}),
  }));

/** Compares with byte arrays normalised, since decoded bytes are Buffer views into the source. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

test('every message survives an encode/decode round trip', () => {
  fc.assert(
    fc.property(message, (m) => {
      assert.deepEqual(normalise(decodeMessage(encodeMessage(m))), normalise(m));
    }),
    { numRuns: 500 },
  );
});

test('every truncation of an encoded message is rejected, never misread', () => {
  fc.assert(
    fc.property(message, (m) => {
      const full = encodeMessage(m);
      for (let cut = 0; cut < full.length; cut++) {
        assert.throws(() => decodeMessage(full.subarray(0, cut)), DecodeError);
      }
    }),
    { numRuns: 100 },
  );
});

test('trailing bytes and unknown enum codes are rejected', () => {
  const m: Message = {
    type: 'app',
    to: 2,
    from: 1,
    term: 3,
    logTerm: 2,
    index: 9,
    commit: 8,
    rejectHint: 0,
    reject: false,
    entries: [],
  };
  const encoded = encodeMessage(m);
  assert.throws(() => decodeMessage(Buffer.concat([encoded, Buffer.from([0])])), DecodeError);
  const badType = Buffer.from(encoded);
  badType[0] = 200;
  assert.throws(() => decodeMessage(badType), /unknown message type code 200/);
});

test('varints cover the whole safe integer range and refuse others', () => {
  const w = new ByteWriter(1);
  for (const v of [0, 127, 128, 2 ** 32, Number.MAX_SAFE_INTEGER]) w.uvarint(v);
  const r = new ByteReader(w.view());
  for (const v of [0, 127, 128, 2 ** 32, Number.MAX_SAFE_INTEGER]) assert.equal(r.uvarint(), v);
  assert.throws(() => w.uvarint(-1), RangeError);
  assert.throws(() => w.uvarint(2 ** 53), RangeError);
  assert.throws(() => new ByteReader(Buffer.alloc(9, 0xff)).uvarint(), DecodeError);
});

test('hard state round trip and u32 fields', () => {
  const w = new ByteWriter();
  writeHardState(w, { term: 7, vote: 3, commit: 99 });
  w.u32(0xdeadbeef);
  const r = new ByteReader(w.finish());
  assert.deepEqual(readHardState(r), { term: 7, vote: 3, commit: 99 });
  assert.equal(r.u32(), 0xdeadbeef);
  assert.equal(r.remaining, 0);
});
