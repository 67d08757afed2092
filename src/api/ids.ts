import { randomBytes } from 'node:crypto';
import type { Rng } from '../base/rng.ts';

/** A source of random bytes: returns `length` fresh bytes on each call. */
export type RandomBytes = (length: number) => Uint8Array;

/** Length of an object ID. */
export const OBJECT_ID_LENGTH = 25;

// 17 bytes are 136 bits; with the top bit forced on, the base-36 text always has 27 digits,
// so dropping the first (least random) digit and keeping 25 gives a fixed length with more
// than 128 bits of entropy, like Swarm's identity.NewID.
const ENTROPY_BYTES = 17;

const OBJECT_ID_PATTERN = /^[0-9a-z]{25}$/;

/**
 * A new object ID in Swarm's form: 25 lower-case base-36 characters drawn from `random`
 * (pass {@link secureRandomBytes} in production, {@link rngRandomBytes} in tests). Throws a
 * RangeError if `random` returns fewer bytes than asked for.
 */
export function newObjectId(random: RandomBytes): string {
  const bytes = random(ENTROPY_BYTES);
  if (bytes.length < ENTROPY_BYTES) {
    throw new RangeError(`random source returned ${bytes.length} bytes, wanted ${ENTROPY_BYTES}`);
  }
  let value = BigInt((bytes[0] ?? 0) | 0x80);
  for (let i = 1; i < ENTROPY_BYTES; i++) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value.toString(36).slice(1, 1 + OBJECT_ID_LENGTH);
}

/** Whether `text` has the shape of an ID {@link newObjectId} makes. */
export function isObjectId(text: string): boolean {
  return OBJECT_ID_PATTERN.test(text);
}

/** Cryptographically strong random bytes (node:crypto), for IDs in a running cluster. */
export const secureRandomBytes: RandomBytes = (length) => randomBytes(length);

/** Random bytes from a seeded {@link Rng}, so tests and simulations get replayable IDs. */
export function rngRandomBytes(rng: Rng): RandomBytes {
  return (length) => {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = rng.int(256);
    return bytes;
  };
}
