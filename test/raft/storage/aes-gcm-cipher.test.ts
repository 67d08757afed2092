import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { AES_GCM_OVERHEAD_BYTES, AesGcmCipher } from '../../../src/raft/storage/aes-gcm-cipher.ts';
import { flipByte } from './support/storage-fixtures.ts';

const key = Buffer.alloc(32, 7);
const ad = Buffer.from('where');
const plain = Buffer.from('attack at dawn');

describe('AesGcmCipher', () => {
  test('opens what it sealed, and the sealed bytes hide the plaintext', () => {
    const cipher = new AesGcmCipher(key, 'k1');
    const sealed = cipher.seal(plain, ad);
    assert.equal(sealed.length, plain.length + AES_GCM_OVERHEAD_BYTES);
    assert.equal(Buffer.from(sealed).includes(plain), false);
    assert.deepEqual(Buffer.from(cipher.open(sealed, ad)), plain);
  });

  test('seals the empty payload', () => {
    const cipher = new AesGcmCipher(key, 'k1');
    assert.equal(cipher.open(cipher.seal(new Uint8Array(0), ad), ad).length, 0);
  });

  test('uses a fresh nonce for every seal', () => {
    const cipher = new AesGcmCipher(key, 'k1');
    assert.notDeepEqual(Buffer.from(cipher.seal(plain, ad)), Buffer.from(cipher.seal(plain, ad)));
  });

  test('refuses other associated data, another key, and any altered byte', () => {
    const cipher = new AesGcmCipher(key, 'k1');
    const sealed = Buffer.from(cipher.seal(plain, ad));
    assert.throws(() => cipher.open(sealed, Buffer.from('elsewhere')));
    assert.throws(() => new AesGcmCipher(Buffer.alloc(32, 8), 'k1').open(sealed, ad));
    for (const at of [0, 11, 12, sealed.length - 17, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      flipByte(altered, at, 0x01);
      assert.throws(() => cipher.open(altered, ad), `byte ${at} altered`);
    }
    assert.throws(() => cipher.open(sealed.subarray(0, AES_GCM_OVERHEAD_BYTES - 1), ad));
  });

  test('does not keep a reference to the caller’s key buffer', () => {
    const mutable = Buffer.alloc(32, 7);
    const cipher = new AesGcmCipher(mutable, 'k1');
    const sealed = cipher.seal(plain, ad);
    mutable.fill(0);
    assert.deepEqual(Buffer.from(cipher.open(sealed, ad)), plain);
  });

  test('rejects keys that are not 32 bytes', () => {
    assert.throws(() => new AesGcmCipher(Buffer.alloc(16), 'short'), RangeError);
    assert.throws(() => new AesGcmCipher(Buffer.alloc(33), 'long'), RangeError);
  });
});
