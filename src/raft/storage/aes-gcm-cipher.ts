import { createCipheriv, createDecipheriv, createSecretKey, randomFillSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import type { RecordCipher } from './record-cipher.ts';

/** AES-256 keys are 32 bytes. */
export const AES_256_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Nonces drawn per refill: one CSPRNG call per 1024 seals instead of one per seal. */
const NONCE_POOL_BYTES = NONCE_BYTES * 1024;

/** Bytes a sealed payload adds to its plaintext: the nonce and the authentication tag. */
export const AES_GCM_OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES;

/**
 * {@link RecordCipher} with AES-256-GCM: each sealed payload is
 * `nonce (12 random bytes) ‖ ciphertext ‖ tag (16)`. Random 96-bit nonces keep the chance of
 * a repeat negligible for the 2^32 payloads NIST allows one key to seal; a data key should be
 * replaced well before that many WAL records (billions) have been written under it.
 *
 * The key is copied at construction; `keyId` must not be derived from it in a reversible way
 * (it is stored in the clear). Throws RangeError on a key that is not 32 bytes.
 */
export class AesGcmCipher implements RecordCipher {
  private readonly key: KeyObject;
  private readonly noncePool = Buffer.alloc(NONCE_POOL_BYTES);
  private nonceAt = NONCE_POOL_BYTES;

  constructor(
    key: Uint8Array,
    readonly keyId: string,
  ) {
    if (key.length !== AES_256_KEY_BYTES) {
      throw new RangeError(`AES-256-GCM needs a ${AES_256_KEY_BYTES}-byte key, not ${key.length}`);
    }
    // A KeyObject copies the key once and spares every seal and open from importing it again.
    this.key = createSecretKey(Buffer.from(key));
  }

  seal(plain: Uint8Array, associatedData: Uint8Array): Uint8Array {
    const nonce = this.nextNonce();
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData);
    const body = cipher.update(plain);
    const rest = cipher.final();
    return Buffer.concat(
      [nonce, body, rest, cipher.getAuthTag()],
      plain.length + AES_GCM_OVERHEAD_BYTES,
    );
  }

  /** Fresh random bytes each call: every pool byte is handed out once, then the pool refills. */
  private nextNonce(): Buffer {
    if (this.nonceAt === NONCE_POOL_BYTES) {
      randomFillSync(this.noncePool);
      this.nonceAt = 0;
    }
    const nonce = this.noncePool.subarray(this.nonceAt, this.nonceAt + NONCE_BYTES);
    this.nonceAt += NONCE_BYTES;
    return nonce;
  }

  open(sealed: Uint8Array, associatedData: Uint8Array): Uint8Array {
    if (sealed.length < AES_GCM_OVERHEAD_BYTES) {
      throw new RangeError(`sealed payload of ${sealed.length} bytes is too short`);
    }
    const nonce = sealed.subarray(0, NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData);
    decipher.setAuthTag(tag);
    const body = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    // final() throws when the tag does not verify: nothing decrypted is returned then.
    const rest = decipher.final();
    return rest.length === 0 ? body : Buffer.concat([body, rest]);
  }
}
