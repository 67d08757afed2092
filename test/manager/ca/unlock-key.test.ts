import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../../src/base/errors.ts';
import {
  formatUnlockKey,
  generateUnlockKey,
  parseUnlockKey,
} from '../../../src/manager/ca/unlock-key.ts';
import { seededBytes } from './cluster-pki.ts';

const invalid = (error: unknown) =>
  error instanceof ShoalError &&
  error.code === 'UNLOCK_KEY_INVALID' &&
  error.message === 'swarm could not be unlocked: invalid key provided';

test('unlock keys read SWMKEY-1- and 43 characters of unpadded base64, and parse back', () => {
  const key = generateUnlockKey(seededBytes(1));
  const text = formatUnlockKey(key);
  assert.match(text, /^SWMKEY-1-[A-Za-z0-9+/]{43}$/);
  assert.deepEqual(parseUnlockKey(text), key);
  assert.deepEqual(parseUnlockKey(`  ${text}\n`), key);
  assert.equal(formatUnlockKey(new Uint8Array(32).fill(255)), `SWMKEY-1-${'/'.repeat(42)}8`);
});

test('malformed unlock keys get the same 401 as wrong ones', () => {
  const text = formatUnlockKey(generateUnlockKey(seededBytes(1)));
  for (const bad of [
    '',
    'SWMKEY-1-',
    text.slice(0, -1),
    text + 'A',
    `${text}=`,
    text.replace('SWMKEY-1', 'SWMKEY-2'),
    text.replace(/.$/, '-'),
  ]) {
    assert.throws(() => parseUnlockKey(bad), invalid, bad);
  }
  // The last character carries 2 spare bits; only the canonical spelling is accepted.
  const zeros = formatUnlockKey(new Uint8Array(32));
  assert.throws(() => parseUnlockKey(zeros.replace(/A$/, 'B')), invalid);
});
