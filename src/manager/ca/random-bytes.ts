import { randomBytes } from 'node:crypto';
import type { Rng } from '../../base/rng.ts';

/**
 * A source of random bytes: returns a new array of exactly `size` bytes. Everything of the CA
 * that draws randomness (token secrets, serial numbers, nonces, unlock keys) takes one, so tests
 * can make those values repeatable. Production code must use {@link systemRandomBytes}.
 */
export type RandomBytes = (size: number) => Uint8Array;

/** Cryptographically secure bytes from the operating system (`crypto.randomBytes`). */
export const systemRandomBytes: RandomBytes = (size) => new Uint8Array(randomBytes(size));

/**
 * Repeatable bytes drawn from a seeded {@link Rng}, for tests only: the stream is predictable,
 * so keys, secrets or nonces made from it protect nothing.
 */
export function rngRandomBytes(rng: Rng): RandomBytes {
  return (size) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = rng.int(256);
    return out;
  };
}
