import { createHash, timingSafeEqual } from 'node:crypto';
import { fingerprintMismatch, malformedJoinToken, rejectedJoinToken } from './ca-errors.ts';
import type { NodeRole } from './node-role.ts';
import type { RandomBytes } from './random-bytes.ts';
import { rootCaDigest } from './root-ca.ts';

/** The cluster's two current join tokens; they share the root digest and differ in secret. */
export interface JoinTokens {
  readonly worker: string;
  readonly manager: string;
}

/** A join token taken apart: the pinned root CA digest and the secret. */
export interface ParsedJoinToken {
  /** 50 base-36 characters: {@link rootCaDigest} of the root the joiner must see. */
  readonly rootDigest: string;
  /** 25 base-36 characters: 128 random bits. */
  readonly secret: string;
}

const SECRET_BYTES = 16;
const SECRET_LENGTH = 25;
const DIGEST_LENGTH = 50;
const tokenPattern = /^SWMTKN-1-([0-9a-z]{50})-([0-9a-z]{25})$/;
const maxDigest = 1n << 256n;

function base36(bytes: Uint8Array, width: number): string {
  const value = bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
  return value.toString(36).padStart(width, '0');
}

/**
 * A new join token for the root whose digest is `rootDigest`: `SWMTKN-1-<digest>-<secret>`, the
 * secret being 16 bytes from `randomBytes` in base 36, zero-padded to 25 characters.
 */
export function generateJoinToken(rootDigest: string, randomBytes: RandomBytes): string {
  if (rootDigest.length !== DIGEST_LENGTH) throw malformedJoinToken();
  return `SWMTKN-1-${rootDigest}-${base36(randomBytes(SECRET_BYTES), SECRET_LENGTH)}`;
}

/** Fresh worker and manager tokens (independent secrets) for the root `rootCaPem`. */
export function generateJoinTokens(rootCaPem: string, randomBytes: RandomBytes): JoinTokens {
  const digest = rootCaDigest(rootCaPem);
  return {
    worker: generateJoinToken(digest, randomBytes),
    manager: generateJoinToken(digest, randomBytes),
  };
}

/**
 * Takes a token apart. Surrounding whitespace is ignored (tokens are pasted). Throws
 * `CA_JOIN_TOKEN_MALFORMED` ("invalid join token") for anything not of the exact form.
 */
export function parseJoinToken(token: string): ParsedJoinToken {
  const match = tokenPattern.exec(token.trim());
  const rootDigest = match?.[1];
  const secret = match?.[2];
  if (rootDigest === undefined || secret === undefined) throw malformedJoinToken();
  // 50 base-36 digits can exceed 2^256; such a digest cannot be a SHA-256.
  let value = 0n;
  for (const ch of rootDigest) value = value * 36n + BigInt(parseInt(ch, 36));
  if (value >= maxDigest) throw malformedJoinToken();
  return { rootDigest, secret };
}

/**
 * The joining node's check before it trusts a manager: the root CA bundle the manager sent
 * (`rootCaPem`) must hash to the token's digest. Throws `CA_JOIN_TOKEN_MALFORMED` for a bad
 * token and `CA_FINGERPRINT_MISMATCH` ("remote CA does not match fingerprint") otherwise.
 */
export function checkRootCaFingerprint(token: string, rootCaPem: string): void {
  const { rootDigest } = parseJoinToken(token);
  if (rootCaDigest(rootCaPem) !== rootDigest) throw fingerprintMismatch(rootDigest);
}

function sameToken(presented: string, expected: string): boolean {
  // Hashing first gives equal-length inputs, so neither content nor length leaks by timing.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The role a join token grants: the CA side of a join. The token is compared in constant time
 * against both current tokens (both comparisons always run). Throws `CA_JOIN_TOKEN_MALFORMED`
 * for a malformed token and `CA_JOIN_TOKEN_REJECTED` ("A valid join token is necessary to join
 * this cluster") for a well-formed one that matches neither, such as a rotated-out token.
 */
export function roleForJoinToken(token: string, current: JoinTokens): NodeRole {
  const trimmed = token.trim();
  parseJoinToken(trimmed);
  const isWorker = sameToken(trimmed, current.worker);
  const isManager = sameToken(trimmed, current.manager);
  if (isManager) return 'manager';
  if (isWorker) return 'worker';
  throw rejectedJoinToken();
}

/**
 * `swarm join-token --rotate <role>`: a new secret for `role`'s token, same root digest; the
 * other token is unchanged. The old token is refused by {@link roleForJoinToken} from then on.
 */
export function rotateJoinToken(
  tokens: JoinTokens,
  role: NodeRole,
  randomBytes: RandomBytes,
): JoinTokens {
  const { rootDigest } = parseJoinToken(tokens[role]);
  const fresh = generateJoinToken(rootDigest, randomBytes);
  return role === 'worker' ? { ...tokens, worker: fresh } : { ...tokens, manager: fresh };
}
