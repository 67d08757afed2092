import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvariantError, ShoalError } from '../../../src/base/errors.ts';
import {
  generateDataKey,
  openSecret,
  recoverDataKey,
  rewrapDataKey,
  sealSecret,
  storeDataKey,
} from '../../../src/manager/ca/key-wrapping.ts';
import { seededBytes } from './cluster-pki.ts';

const hasCode = (code: string) => (error: unknown) =>
  error instanceof ShoalError && error.code === code;
const text = (s: string) => new TextEncoder().encode(s);

test('seal and open round trip; the same seed gives the same blob', () => {
  const key = generateDataKey(seededBytes(1));
  const sealed = sealSecret(text('-----BEGIN PRIVATE KEY-----'), key, seededBytes(2), 'ca key');
  assert.equal(sealed.length, 1 + 12 + 27 + 16);
  assert.deepEqual(openSecret(sealed, key, 'ca key'), text('-----BEGIN PRIVATE KEY-----'));
  assert.deepEqual(
    sealSecret(text('x'), key, seededBytes(2)),
    sealSecret(text('x'), key, seededBytes(2)),
  );
});

test('property: any plaintext round trips, and any single-bit change is detected', () => {
  const key = generateDataKey(seededBytes(1));
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 512 }),
      fc.nat(),
      fc.integer({ min: 0, max: 7 }),
      (data, at, bit) => {
        const sealed = sealSecret(data, key, seededBytes(at));
        assert.deepEqual(openSecret(sealed, key), data);
        const tampered = Uint8Array.from(sealed);
        const index = at % tampered.length;
        tampered[index] = (tampered[index] ?? 0) ^ (1 << bit);
        assert.throws(() => openSecret(tampered, key), hasCode('SEALED_DATA_CORRUPT'));
      },
    ),
    { numRuns: 300 },
  );
});

test('truncation, another key and another context are all refused', () => {
  const key = generateDataKey(seededBytes(1));
  const sealed = sealSecret(text('secret'), key, seededBytes(2), 'raft');
  assert.throws(
    () => openSecret(sealed.subarray(0, 20), key, 'raft'),
    hasCode('SEALED_DATA_CORRUPT'),
  );
  assert.throws(
    () => openSecret(sealed, generateDataKey(seededBytes(3)), 'raft'),
    hasCode('SEALED_DATA_CORRUPT'),
  );
  assert.throws(() => openSecret(sealed, key, 'ca'), hasCode('SEALED_DATA_CORRUPT'));
  assert.throws(() => sealSecret(text('x'), new Uint8Array(16), seededBytes(1)), InvariantError);
});

test('without autolock the data key is stored plain; with it, sealed under the unlock key', () => {
  const dek = generateDataKey(seededBytes(1));
  const plain = storeDataKey(dek, undefined, seededBytes(2));
  assert.equal(plain.kind, 'plain');
  assert.deepEqual(recoverDataKey(plain, undefined), dek);

  const unlock = generateDataKey(seededBytes(3));
  const sealed = storeDataKey(dek, unlock, seededBytes(4));
  assert.equal(sealed.kind, 'sealed');
  assert.ok(!JSON.stringify(sealed).includes(Buffer.from(dek).toString('base64')));
  assert.deepEqual(recoverDataKey(sealed, unlock), dek);
});

test("a locked manager needs the key, and a wrong key gets Docker's 401", () => {
  const dek = generateDataKey(seededBytes(1));
  const sealed = storeDataKey(dek, generateDataKey(seededBytes(3)), seededBytes(4));
  assert.throws(
    () => recoverDataKey(sealed, undefined),
    (error: unknown) => {
      assert.ok(hasCode('SWARM_LOCKED')(error));
      assert.equal((error as ShoalError).status, 503);
      return true;
    },
  );
  for (const wrong of [generateDataKey(seededBytes(5)), new Uint8Array(3)]) {
    assert.throws(
      () => recoverDataKey(sealed, wrong),
      (error: unknown) => {
        assert.ok(hasCode('UNLOCK_KEY_INVALID')(error));
        assert.equal((error as ShoalError).status, 401);
        assert.equal((error as Error).message, 'swarm could not be unlocked: invalid key provided');
        return true;
      },
    );
  }
});

test('rotation re-wraps the same data key; the old unlock key stops working', () => {
  const dek = generateDataKey(seededBytes(1));
  const first = generateDataKey(seededBytes(3));
  const second = generateDataKey(seededBytes(6));
  const before = storeDataKey(dek, first, seededBytes(4));
  const after = rewrapDataKey(before, first, second, seededBytes(7));
  assert.deepEqual(recoverDataKey(after, second), dek);
  assert.throws(() => recoverDataKey(after, first), hasCode('UNLOCK_KEY_INVALID'));
  // Turning autolock off and on again keeps the data key too.
  const off = rewrapDataKey(after, second, undefined, seededBytes(8));
  assert.equal(off.kind, 'plain');
  assert.deepEqual(
    recoverDataKey(rewrapDataKey(off, undefined, first, seededBytes(9)), first),
    dek,
  );
  assert.throws(
    () => rewrapDataKey(after, first, second, seededBytes(7)),
    hasCode('UNLOCK_KEY_INVALID'),
  );
});
