import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ShoalError } from '../../../src/base/errors.ts';
import {
  checkRootCaFingerprint,
  generateJoinToken,
  generateJoinTokens,
  parseJoinToken,
  roleForJoinToken,
  rotateJoinToken,
} from '../../../src/manager/ca/join-token.ts';
import { rootCaDigest } from '../../../src/manager/ca/root-ca.ts';
import { makeRoot, seededBytes } from './cluster-pki.ts';

const now = Date.UTC(2030, 0, 1);
const hasCode = (code: string) => (error: unknown) =>
  error instanceof ShoalError && error.code === code;

test('tokens have Swarm form, share the root digest and differ in secret', async () => {
  const root = await makeRoot(now);
  const tokens = generateJoinTokens(root.certPem, seededBytes(3));
  for (const token of [tokens.worker, tokens.manager]) {
    assert.match(token, /^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    assert.equal(parseJoinToken(token).rootDigest, rootCaDigest(root.certPem));
  }
  assert.notEqual(parseJoinToken(tokens.worker).secret, parseJoinToken(tokens.manager).secret);
});

test('the same seed makes the same tokens', async () => {
  const root = await makeRoot(now);
  assert.deepEqual(
    generateJoinTokens(root.certPem, seededBytes(9)),
    generateJoinTokens(root.certPem, seededBytes(9)),
  );
});

test('the secret encodes all 128 bits: zero and all-ones secrets keep 25 characters', () => {
  const digest = '0'.repeat(50);
  const zero = generateJoinToken(digest, (n) => new Uint8Array(n));
  const ones = generateJoinToken(digest, (n) => new Uint8Array(n).fill(255));
  assert.equal(parseJoinToken(zero).secret, '0'.repeat(25));
  assert.equal(parseJoinToken(ones).secret, 'f5lxx1zz5pnorynqglhzmsp33');
});

test('round trip: a worker token makes a worker, a manager token a manager', async () => {
  const root = await makeRoot(now);
  const tokens = generateJoinTokens(root.certPem, seededBytes(3));
  assert.equal(roleForJoinToken(tokens.worker, tokens), 'worker');
  assert.equal(roleForJoinToken(tokens.manager, tokens), 'manager');
  assert.equal(roleForJoinToken(`  ${tokens.worker}\n`, tokens), 'worker');
  checkRootCaFingerprint(tokens.worker, root.certPem);
});

test('malformed tokens are refused with "invalid join token"', () => {
  const good = `SWMTKN-1-${'1'.repeat(50)}-${'a'.repeat(25)}`;
  parseJoinToken(good);
  const bad = [
    '',
    'SWMTKN-1',
    good.replace('SWMTKN-1', 'SWMTKN-2'),
    good.replace('SWMTKN', 'SWMKEY'),
    good.slice(0, -1),
    good + 'a',
    good.replace('-1111', '-1A11'),
    `${good}-extra`,
    // 50 base-36 digits above 2^256 cannot be a SHA-256 digest.
    `SWMTKN-1-${'z'.repeat(50)}-${'a'.repeat(25)}`,
  ];
  for (const token of bad) {
    assert.throws(
      () => parseJoinToken(token),
      (error: unknown) => {
        assert.ok(hasCode('CA_JOIN_TOKEN_MALFORMED')(error), token);
        assert.match((error as Error).message, /^invalid join token/);
        assert.equal((error as ShoalError).status, 400);
        return true;
      },
    );
  }
});

test("a wrong secret is refused with Docker's text, and so is a token for another cluster", async () => {
  const root = await makeRoot(now);
  const tokens = generateJoinTokens(root.certPem, seededBytes(3));
  const { rootDigest } = parseJoinToken(tokens.worker);
  const wrongSecret = generateJoinToken(rootDigest, seededBytes(4));
  assert.throws(
    () => roleForJoinToken(wrongSecret, tokens),
    (error: unknown) => {
      assert.ok(hasCode('CA_JOIN_TOKEN_REJECTED')(error));
      assert.equal(
        (error as Error).message,
        'A valid join token is necessary to join this cluster',
      );
      return true;
    },
  );
  const other = generateJoinTokens((await makeRoot(now, 2)).certPem, seededBytes(3));
  assert.throws(() => roleForJoinToken(other.worker, tokens), hasCode('CA_JOIN_TOKEN_REJECTED'));
});

test('the joiner refuses a manager whose root does not match the token digest', async () => {
  const root = await makeRoot(now);
  const impostor = await makeRoot(now, 2);
  const { worker } = generateJoinTokens(root.certPem, seededBytes(3));
  assert.throws(
    () => checkRootCaFingerprint(worker, impostor.certPem),
    (error: unknown) => {
      assert.ok(hasCode('CA_FINGERPRINT_MISMATCH')(error));
      assert.match((error as Error).message, /^remote CA does not match fingerprint\. Expected: /);
      return true;
    },
  );
  // A bundle with an extra root is not the pinned root either.
  assert.throws(
    () => checkRootCaFingerprint(worker, root.certPem + impostor.certPem),
    hasCode('CA_FINGERPRINT_MISMATCH'),
  );
  assert.throws(
    () => checkRootCaFingerprint('SWMTKN-1-x', root.certPem),
    hasCode('CA_JOIN_TOKEN_MALFORMED'),
  );
});

test('rotation refuses the old token, keeps the other role and the digest', async () => {
  const root = await makeRoot(now);
  const before = generateJoinTokens(root.certPem, seededBytes(3));
  const after = rotateJoinToken(before, 'worker', seededBytes(5));
  assert.notEqual(after.worker, before.worker);
  assert.equal(after.manager, before.manager);
  assert.equal(parseJoinToken(after.worker).rootDigest, parseJoinToken(before.worker).rootDigest);
  assert.throws(() => roleForJoinToken(before.worker, after), hasCode('CA_JOIN_TOKEN_REJECTED'));
  assert.equal(roleForJoinToken(after.worker, after), 'worker');
  assert.equal(roleForJoinToken(before.manager, after), 'manager');
  const managerRotated = rotateJoinToken(after, 'manager', seededBytes(6));
  assert.throws(
    () => roleForJoinToken(before.manager, managerRotated),
    hasCode('CA_JOIN_TOKEN_REJECTED'),
  );
});

test('property: generated tokens parse back to their digest and grant only their role', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer(), (hash, seed) => {
      const digest = BigInt('0x' + Buffer.from(hash).toString('hex'))
        .toString(36)
        .padStart(50, '0');
      const bytes = seededBytes(seed);
      const tokens = {
        worker: generateJoinToken(digest, bytes),
        manager: generateJoinToken(digest, bytes),
      };
      assert.equal(parseJoinToken(tokens.worker).rootDigest, digest);
      assert.equal(roleForJoinToken(tokens.worker, tokens), 'worker');
      assert.equal(roleForJoinToken(tokens.manager, tokens), 'manager');
    }),
    { numRuns: 200 },
  );
});
