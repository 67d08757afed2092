import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  OBJECT_ID_LENGTH,
  isObjectId,
  newObjectId,
  rngRandomBytes,
  secureRandomBytes,
} from '../../src/api/ids.ts';
import { SeededRng } from '../../src/base/rng.ts';

const fixed =
  (byte: number) =>
  (length: number): Uint8Array =>
    new Uint8Array(length).fill(byte);

describe('newObjectId', () => {
  test('is 25 lower-case base-36 characters for any random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 17, maxLength: 17 }), (bytes) => {
        const id = newObjectId(() => bytes);
        assert.equal(id.length, OBJECT_ID_LENGTH);
        assert.ok(isObjectId(id), id);
      }),
    );
  });

  test('keeps its length at the extremes of the byte range', () => {
    for (const byte of [0x00, 0x7f, 0x80, 0xff]) {
      assert.equal(newObjectId(fixed(byte)).length, OBJECT_ID_LENGTH, `byte ${byte}`);
    }
  });

  test('is a pure function of the bytes: the same seed gives the same IDs', () => {
    const a = rngRandomBytes(new SeededRng(42));
    const b = rngRandomBytes(new SeededRng(42));
    const first = [newObjectId(a), newObjectId(a)];
    assert.deepEqual([newObjectId(b), newObjectId(b)], first);
    assert.notEqual(first[0], first[1]);
  });

  test('different bytes give different IDs', () => {
    assert.notEqual(newObjectId(fixed(1)), newObjectId(fixed(2)));
  });

  test('refuses a source that returns too few bytes', () => {
    assert.throws(() => newObjectId(() => new Uint8Array(3)), RangeError);
  });

  test('secureRandomBytes gives IDs too', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newObjectId(secureRandomBytes)));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.ok(isObjectId(id));
  });
});

describe('isObjectId', () => {
  const cases: [string, boolean][] = [
    ['0123456789abcdefghijklmno', true],
    ['0123456789abcdefghijklmn', false],
    ['0123456789abcdefghijklmnop', false],
    ['0123456789ABCDEFGHIJKLMNO', false],
    ['0123456789abcdefghijklmn-', false],
  ];
  for (const [text, expected] of cases) {
    test(`${text} → ${expected}`, () => assert.equal(isObjectId(text), expected));
  }
});
