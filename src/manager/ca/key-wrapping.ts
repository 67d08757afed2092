import { createCipheriv, createDecipheriv } from 'node:crypto';
import { InvariantError } from '../../base/errors.ts';
import { caError, invalidUnlockKey, swarmLocked } from './ca-errors.ts';
import type { RandomBytes } from './random-bytes.ts';

/** AES-256 keys: data keys and unlock keys are both 32 bytes. */
export const AES_KEY_BYTES = 32;
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function checkKey(key: Uint8Array): void {
  if (key.length !== AES_KEY_BYTES) {
    throw new InvariantError(
      'aes-256-key-length',
      `key is ${key.length} bytes, not ${AES_KEY_BYTES}`,
    );
  }
}

function additionalData(context: string): Buffer {
  // Binding the format version and the purpose means a blob sealed as one thing (say the
  // CA key) cannot be opened as another (the Raft data key).
  return Buffer.concat([Buffer.of(VERSION), Buffer.from(context, 'utf8')]);
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key` (32 bytes) and a fresh 96-bit nonce from
 * `randomBytes`. `context` names what is sealed and must be given again to open it. Returns
 * `version (1 byte) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`; the input is not modified.
 */
export function sealSecret(
  plaintext: Uint8Array,
  key: Uint8Array,
  randomBytes: RandomBytes,
  context = '',
): Uint8Array {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]));
}

/**
 * Decrypts what {@link sealSecret} produced with the same `key` and `context`. Throws
 * `SEALED_DATA_CORRUPT` when the blob is truncated, of another version, altered, or sealed
 * under another key or context: GCM cannot tell these apart, and none of them yields data.
 */
export function openSecret(sealed: Uint8Array, key: Uint8Array, context = ''): Uint8Array {
  checkKey(key);
  const corrupt = (cause?: unknown) =>
    caError(
      'SEALED_DATA_CORRUPT',
      'encrypted data failed authentication: it was altered, truncated or sealed under another key',
      cause === undefined ? {} : { cause },
    );
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw corrupt();
  const bytes = Buffer.from(sealed);
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (cause) {
    throw corrupt(cause);
  }
}

/** A new 32-byte data encryption key (DEK) from `randomBytes`. */
export function generateDataKey(randomBytes: RandomBytes): Uint8Array {
  return randomBytes(AES_KEY_BYTES);
}

/**
 * A data key as kept on disk. Without autolock it is `plain` (Swarm keeps it beside the TLS
 * key); with autolock it is `sealed` under the unlock key, which is never stored.
 */
export type StoredDataKey =
  | { readonly kind: 'plain'; readonly key: string }
  | { readonly kind: 'sealed'; readonly sealed: string };

const DEK_CONTEXT = 'shoal data key';

/**
 * The on-disk form of `dataKey`: sealed under `unlockKey` (the key-encryption key) when one is
 * given, else plain. Base64 throughout, so it fits a JSON or PEM-header file.
 */
export function storeDataKey(
  dataKey: Uint8Array,
  unlockKey: Uint8Array | undefined,
  randomBytes: RandomBytes,
): StoredDataKey {
  checkKey(dataKey);
  if (unlockKey === undefined)
    return { kind: 'plain', key: Buffer.from(dataKey).toString('base64') };
  const sealed = sealSecret(dataKey, unlockKey, randomBytes, DEK_CONTEXT);
  return { kind: 'sealed', sealed: Buffer.from(sealed).toString('base64') };
}

/**
 * The data key back from its stored form. A plain key ignores `unlockKey`. A sealed key with no
 * `unlockKey` throws `SWARM_LOCKED` (503); with a key that does not open it, `UNLOCK_KEY_INVALID`
 * (401, "swarm could not be unlocked: invalid key provided").
 */
export function recoverDataKey(
  stored: StoredDataKey,
  unlockKey: Uint8Array | undefined,
): Uint8Array {
  if (stored.kind === 'plain') return new Uint8Array(Buffer.from(stored.key, 'base64'));
  if (unlockKey === undefined) throw swarmLocked();
  if (unlockKey.length !== AES_KEY_BYTES) throw invalidUnlockKey();
  try {
    return openSecret(Buffer.from(stored.sealed, 'base64'), unlockKey, DEK_CONTEXT);
  } catch (cause) {
    throw invalidUnlockKey(cause);
  }
}

/**
 * Re-wraps a stored data key for a new unlock key, leaving the data key (and so all data it
 * encrypts) unchanged: `swarm unlock-key --rotate` (key → new key), turning autolock on
 * (undefined → key) or off (key → undefined). Throws as {@link recoverDataKey} when `current`
 * does not open `stored`.
 */
export function rewrapDataKey(
  stored: StoredDataKey,
  current: Uint8Array | undefined,
  next: Uint8Array | undefined,
  randomBytes: RandomBytes,
): StoredDataKey {
  return storeDataKey(recoverDataKey(stored, current), next, randomBytes);
}
