import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRng } from '../../../src/base/rng.ts';
import { rngRandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import {
  deriveKek,
  newManagerSecrets,
  openManagerSecrets,
  sealManagerSecrets,
} from '../../../src/manager/keys/manager-secrets.ts';
import type { SealedManagerSecrets } from '../../../src/manager/keys/manager-secrets.ts';

const randomBytes = rngRandomBytes(new SeededRng(11));
const ROOT_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

test('new secrets: a 32-byte DEK and a random ID that is not derived from it', () => {
  const a = newManagerSecrets(randomBytes, ROOT_KEY);
  const b = newManagerSecrets(randomBytes);
  assert.equal(a.dataKey.length, 32);
  assert.match(a.dataKeyId, /^[0-9a-f]{16}$/);
  assert.notDeepEqual(a.dataKey, b.dataKey);
  assert.notEqual(a.dataKeyId, b.dataKeyId);
  assert.equal(a.rootCaKeyPem, ROOT_KEY);
  assert.equal('rootCaKeyPem' in b, false);
  assert.equal(Buffer.from(a.dataKey).toString('hex').includes(a.dataKeyId), false);
});

test('without autolock the KEK is stored and opens the secrets with no unlock key', () => {
  const secrets = newManagerSecrets(randomBytes, ROOT_KEY);
  const sealed = sealManagerSecrets(secrets, { kind: 'stored' }, randomBytes);
  assert.equal(sealed.autolock, false);
  assert.equal(typeof sealed.kek, 'string');
  assert.equal(sealed.salt, undefined);
  const json = JSON.stringify(sealed);
  assert.equal(json.includes('PRIVATE KEY'), false);
  assert.equal(json.includes(Buffer.from(secrets.dataKey).toString('base64')), false);
  assert.deepEqual(openManagerSecrets(sealed, undefined), secrets);
  // An unlock key is not needed, and a stray one is ignored.
  assert.deepEqual(openManagerSecrets(sealed, new Uint8Array(32)), secrets);
});

test('with autolock the KEK is not stored: no key is SWARM_LOCKED, a wrong one UNLOCK_KEY_INVALID', () => {
  const secrets = newManagerSecrets(randomBytes, ROOT_KEY);
  const unlockKey = randomBytes(32);
  const sealed = sealManagerSecrets(secrets, { kind: 'unlock-key', unlockKey }, randomBytes);
  assert.equal(sealed.autolock, true);
  assert.equal(sealed.kek, undefined);
  assert.equal(JSON.stringify(sealed).includes(Buffer.from(unlockKey).toString('base64')), false);
  assert.throws(() => openManagerSecrets(sealed, undefined), { code: 'SWARM_LOCKED', status: 503 });
  assert.throws(() => openManagerSecrets(sealed, randomBytes(32)), {
    code: 'UNLOCK_KEY_INVALID',
    status: 401,
    message: 'swarm could not be unlocked: invalid key provided',
  });
  assert.throws(() => openManagerSecrets(sealed, new Uint8Array(5)), {
    code: 'UNLOCK_KEY_INVALID',
  });
  assert.deepEqual(openManagerSecrets(sealed, unlockKey), secrets);
});

test('the KEK derivation depends on both the unlock key and the salt', () => {
  const key = randomBytes(32);
  const salt = randomBytes(16);
  assert.deepEqual(deriveKek(key, salt), deriveKek(key, salt));
  assert.notDeepEqual(deriveKek(key, salt), deriveKek(key, randomBytes(16)));
  assert.notDeepEqual(deriveKek(key, salt), deriveKek(randomBytes(32), salt));
  assert.notDeepEqual(deriveKek(key, salt), key);
});

test('damage and swaps are detected, never opened into other keys', () => {
  const secrets = newManagerSecrets(randomBytes, ROOT_KEY);
  const sealed = sealManagerSecrets(secrets, { kind: 'stored' }, randomBytes);
  const other = sealManagerSecrets(newManagerSecrets(randomBytes), { kind: 'stored' }, randomBytes);
  const flip = (b64: string): string => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    return bytes.toString('base64');
  };
  const cases: SealedManagerSecrets[] = [
    { ...sealed, dataKey: flip(sealed.dataKey) },
    { ...sealed, rootCaKey: flip(sealed.rootCaKey ?? '') },
    // The DEK sealed for one ID does not open under another.
    { ...sealed, dataKeyId: other.dataKeyId },
    // The root key blob cannot be passed off as the DEK.
    { ...sealed, dataKey: sealed.rootCaKey ?? '' },
  ];
  for (const damaged of cases) {
    assert.throws(() => openManagerSecrets(damaged, undefined), { code: 'SEALED_DATA_CORRUPT' });
  }
});

test('property: any secrets round-trip under either KEK source, with fresh ciphertext each seal', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.option(fc.string(), { nil: undefined }),
      fc.boolean(),
      (dataKey, rootCaKeyPem, autolock) => {
        const secrets = {
          dataKey,
          dataKeyId: 'abcd',
          ...(rootCaKeyPem === undefined ? {} : { rootCaKeyPem }),
        };
        const unlockKey = randomBytes(32);
        const source = autolock
          ? ({ kind: 'unlock-key', unlockKey } as const)
          : ({ kind: 'stored' } as const);
        const a = sealManagerSecrets(secrets, source, randomBytes);
        const b = sealManagerSecrets(secrets, source, randomBytes);
        assert.notEqual(a.dataKey, b.dataKey);
        assert.deepEqual(openManagerSecrets(a, autolock ? unlockKey : undefined), secrets);
      },
    ),
    { numRuns: 50 },
  );
});
