import { invalidUnlockKey } from './ca-errors.ts';
import { AES_KEY_BYTES } from './key-wrapping.ts';
import type { RandomBytes } from './random-bytes.ts';

const PREFIX = 'SWMKEY-1-';
const keyPattern = /^SWMKEY-1-([A-Za-z0-9+/]{43})$/;

/** A new autolock unlock key: 32 bytes from `randomBytes`. Show it once; never store it. */
export function generateUnlockKey(randomBytes: RandomBytes): Uint8Array {
  return randomBytes(AES_KEY_BYTES);
}

/** Swarm's human form of an unlock key: `SWMKEY-1-` and the bytes in unpadded standard base64. */
export function formatUnlockKey(key: Uint8Array): string {
  return PREFIX + Buffer.from(key).toString('base64').replace(/=+$/, '');
}

/**
 * The key bytes of a `SWMKEY-1-...` string (surrounding whitespace ignored). Throws
 * `UNLOCK_KEY_INVALID` ("swarm could not be unlocked: invalid key provided") for any other text,
 * as Docker does, so a typo and a wrong key look alike to a guesser.
 */
export function parseUnlockKey(text: string): Uint8Array {
  const body = keyPattern.exec(text.trim())?.[1];
  if (body === undefined) throw invalidUnlockKey();
  const key = new Uint8Array(Buffer.from(body, 'base64'));
  // 43 characters can carry bits past the 32nd byte; only the canonical spelling is a key.
  if (key.length !== AES_KEY_BYTES || formatUnlockKey(key) !== PREFIX + body) {
    throw invalidUnlockKey();
  }
  return key;
}
