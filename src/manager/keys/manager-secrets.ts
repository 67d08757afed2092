import { hkdfSync } from 'node:crypto';
import { invalidUnlockKey, swarmLocked } from '../ca/ca-errors.ts';
import { AES_KEY_BYTES, generateDataKey, openSecret, sealSecret } from '../ca/key-wrapping.ts';
import type { RandomBytes } from '../ca/random-bytes.ts';

/** The secrets one manager keeps at rest, in the clear (in memory only). */
export interface ManagerSecrets {
  /** The data encryption key (DEK) of this manager's Raft WAL and snapshots: 32 bytes. */
  readonly dataKey: Uint8Array;
  /** Names the DEK in the clear (the Raft directory's header): random, never derived from it. */
  readonly dataKeyId: string;
  /** PEM of the cluster root CA's private key, when this manager holds a copy. */
  readonly rootCaKeyPem?: string;
}

/**
 * Where the key-encrypting key (KEK) comes from: `stored` (a random KEK written beside the
 * sealed keys, autolock off) or the cluster's unlock key (autolock on; the KEK is derived from
 * it and never written).
 */
export type KekSource =
  { readonly kind: 'stored' } | { readonly kind: 'unlock-key'; readonly unlockKey: Uint8Array };

/**
 * The on-disk form of {@link ManagerSecrets} (format 1), JSON-safe: every key is sealed with
 * AES-256-GCM under the KEK. `kek` is present exactly when `autolock` is false; `salt` (of the
 * KEK derivation) exactly when it is true.
 */
export interface SealedManagerSecrets {
  readonly format: 1;
  readonly autolock: boolean;
  readonly kek?: string;
  readonly salt?: string;
  readonly dataKeyId: string;
  readonly dataKey: string;
  readonly rootCaKey?: string;
  /**
   * The version (Raft index) of the cluster record whose unlock key and root CA key this file
   * was sealed for; absent before the manager first saw the record. Not secret.
   */
  readonly recordVersion?: number;
}

const SALT_BYTES = 16;
const KEK_INFO = 'shoal manager kek 1';

/** A manager's fresh secrets: a new DEK with a random ID, and the root CA key if given. */
export function newManagerSecrets(randomBytes: RandomBytes, rootCaKeyPem?: string): ManagerSecrets {
  return {
    dataKey: generateDataKey(randomBytes),
    dataKeyId: Buffer.from(randomBytes(8)).toString('hex'),
    ...(rootCaKeyPem === undefined ? {} : { rootCaKeyPem }),
  };
}

/** The KEK for an unlock key: HKDF-SHA256 over the key's 32 bytes with the file's salt. */
export function deriveKek(unlockKey: Uint8Array, salt: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', unlockKey, salt, KEK_INFO, AES_KEY_BYTES));
}

function dataKeyContext(dataKeyId: string): string {
  // The ID is bound in, so a sealed DEK cannot be paired with another key's ID and header.
  return `shoal raft dek ${dataKeyId}`;
}

const ROOT_CA_KEY_CONTEXT = 'shoal root ca key';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/**
 * Seals `secrets` under a KEK from `source`: a fresh random KEK (stored in the result) or one
 * derived from the unlock key with a fresh salt (the KEK itself is not in the result). Fresh
 * nonces and salt from `randomBytes` each call; the inputs are not modified.
 */
export function sealManagerSecrets(
  secrets: ManagerSecrets,
  source: KekSource,
  randomBytes: RandomBytes,
  recordVersion?: number,
): SealedManagerSecrets {
  let kek: Uint8Array;
  let protection: Pick<SealedManagerSecrets, 'autolock' | 'kek' | 'salt'>;
  if (source.kind === 'stored') {
    kek = randomBytes(AES_KEY_BYTES);
    protection = { autolock: false, kek: b64(kek) };
  } else {
    const salt = randomBytes(SALT_BYTES);
    kek = deriveKek(source.unlockKey, salt);
    protection = { autolock: true, salt: b64(salt) };
  }
  const rootCaKey = secrets.rootCaKeyPem;
  return {
    format: 1,
    ...protection,
    dataKeyId: secrets.dataKeyId,
    dataKey: b64(sealSecret(secrets.dataKey, kek, randomBytes, dataKeyContext(secrets.dataKeyId))),
    ...(rootCaKey === undefined
      ? {}
      : {
          rootCaKey: b64(
            sealSecret(Buffer.from(rootCaKey, 'utf8'), kek, randomBytes, ROOT_CA_KEY_CONTEXT),
          ),
        }),
    ...(recordVersion === undefined ? {} : { recordVersion }),
  };
}

/**
 * The secrets back from their sealed form. Without autolock the stored KEK opens them and
 * `unlockKey` is ignored. With autolock: no `unlockKey` throws `SWARM_LOCKED` (503); one that
 * does not open the DEK throws `UNLOCK_KEY_INVALID` (401, Docker's "invalid key provided").
 * Damage to a stored-KEK file throws `SEALED_DATA_CORRUPT`.
 */
export function openManagerSecrets(
  sealed: SealedManagerSecrets,
  unlockKey: Uint8Array | undefined,
): ManagerSecrets {
  let kek: Uint8Array;
  if (!sealed.autolock) {
    kek = unb64(sealed.kek ?? '');
  } else {
    if (unlockKey === undefined) throw swarmLocked();
    if (unlockKey.length !== AES_KEY_BYTES) throw invalidUnlockKey();
    kek = deriveKek(unlockKey, unb64(sealed.salt ?? ''));
  }
  let dataKey: Uint8Array;
  try {
    dataKey = openSecret(unb64(sealed.dataKey), kek, dataKeyContext(sealed.dataKeyId));
  } catch (cause) {
    if (sealed.autolock) throw invalidUnlockKey(cause);
    throw cause;
  }
  // The DEK opened, so the KEK is right: a root key that fails now is damage, not a wrong key.
  const rootCaKeyPem =
    sealed.rootCaKey === undefined
      ? undefined
      : Buffer.from(openSecret(unb64(sealed.rootCaKey), kek, ROOT_CA_KEY_CONTEXT)).toString('utf8');
  return {
    dataKey,
    dataKeyId: sealed.dataKeyId,
    ...(rootCaKeyPem === undefined ? {} : { rootCaKeyPem }),
  };
}
