import { statusOf } from '../../api/errors.ts';
import { ShoalError } from '../../base/errors.ts';

/** Every error code the cluster PKI raises; the table and its docs are in src/api/errors.ts. */
export type CaErrorCode =
  | 'CA_JOIN_TOKEN_MALFORMED'
  | 'CA_JOIN_TOKEN_REJECTED'
  | 'CA_FINGERPRINT_MISMATCH'
  | 'CA_CSR_INVALID'
  | 'CA_CERT_INVALID'
  | 'CA_CERT_EXPIRY_INVALID'
  | 'CA_PEER_UNAUTHENTICATED'
  | 'CA_PEER_FORBIDDEN'
  | 'CA_NODE_REMOVED'
  | 'UNLOCK_KEY_INVALID'
  | 'SWARM_LOCKED'
  | 'SWARM_NOT_LOCKED'
  | 'SEALED_DATA_CORRUPT';

/**
 * A {@link ShoalError} with `code` and the status the error table gives it. Messages use
 * Docker's wording where Docker has one, so users can search for them; callers match on `code`.
 */
export function caError(
  code: CaErrorCode,
  message: string,
  options: { field?: string; cause?: unknown } = {},
): ShoalError {
  return new ShoalError(code, message, { ...options, status: statusOf(code) });
}

/** Docker's "invalid join token", with what a valid one looks like. */
export function malformedJoinToken(): ShoalError {
  return caError(
    'CA_JOIN_TOKEN_MALFORMED',
    'invalid join token: expected SWMTKN-1-<digest>-<secret>; copy the whole token from `swarm join-token worker|manager` on a manager',
    { field: 'JoinToken' },
  );
}

/** Docker's text for a well-formed token that is not (or no longer) one of the cluster's. */
export function rejectedJoinToken(): ShoalError {
  return caError('CA_JOIN_TOKEN_REJECTED', 'A valid join token is necessary to join this cluster', {
    field: 'JoinToken',
  });
}

/** Docker's text for a manager whose root CA does not hash to the token's digest. */
export function fingerprintMismatch(expectedDigest: string): ShoalError {
  return caError(
    'CA_FINGERPRINT_MISMATCH',
    `remote CA does not match fingerprint. Expected: ${expectedDigest}`,
  );
}

/** Docker's text for a `--cert-expiry` under one hour. */
export function certExpiryTooShort(): ShoalError {
  return caError('CA_CERT_EXPIRY_INVALID', 'minimum certificate expiry time is: 1h0m0s', {
    field: 'CAConfig.NodeCertExpiry',
  });
}

/** Docker's 401 for an unlock key that is malformed or does not open the sealed keys. */
export function invalidUnlockKey(cause?: unknown): ShoalError {
  return caError(
    'UNLOCK_KEY_INVALID',
    'swarm could not be unlocked: invalid key provided',
    cause === undefined ? { field: 'UnlockKey' } : { field: 'UnlockKey', cause },
  );
}

/** Docker's 503 for a manager whose keys are sealed by autolock and not yet unlocked. */
export function swarmLocked(): ShoalError {
  return caError(
    'SWARM_LOCKED',
    'Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.',
  );
}

/** Docker's 409 for `swarm unlock` on a node that is not locked. */
export function swarmNotLocked(): ShoalError {
  return caError('SWARM_NOT_LOCKED', 'swarm is not locked');
}
