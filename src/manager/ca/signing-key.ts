import { caError } from './ca-errors.ts';
import { decodePemBlocks, encodePem } from './pem.ts';
import { ecdsaP256, subtle } from './x509-library.ts';
import type { CryptoKey } from './x509-library.ts';

/**
 * An ECDSA P-256 key pair with its PKCS#8 PEM form. `pem` is what goes to disk (sealed) and to
 * Node's `tls` options; the `CryptoKey`s are what the X.509 library signs with.
 */
export interface SigningKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). A secret: never log it. */
  readonly pem: string;
}

const keyAlgorithm = { name: ecdsaP256.name, namedCurve: ecdsaP256.namedCurve };

/**
 * A fresh P-256 key pair from the platform's secure generator. Key generation is the one place
 * the CA does not use an injected randomness source: a key is never compared in tests.
 */
export async function generateSigningKey(): Promise<SigningKey> {
  const pair = await subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
  const pkcs8 = await subtle.exportKey('pkcs8', pair.privateKey);
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    pem: encodePem('PRIVATE KEY', pkcs8),
  };
}

/**
 * Reads a PKCS#8 PEM private key back into a {@link SigningKey}. Throws `CA_CERT_INVALID` when
 * the text holds no private key or the key is not ECDSA P-256.
 */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  const der = decodePemBlocks(pem, 'PRIVATE KEY')[0];
  if (der === undefined) {
    throw caError('CA_CERT_INVALID', 'no PKCS#8 private key (BEGIN PRIVATE KEY) found');
  }
  try {
    const privateKey = await subtle.importKey('pkcs8', der, keyAlgorithm, true, ['sign']);
    // WebCrypto cannot derive a public key from a private one; the JWK export carries x and y.
    const jwk = await subtle.exportKey('jwk', privateKey);
    const { d: _secret, ...publicJwk } = jwk;
    const publicKey = await subtle.importKey(
      'jwk',
      { ...publicJwk, key_ops: ['verify'] },
      keyAlgorithm,
      true,
      ['verify'],
    );
    return { privateKey, publicKey, pem };
  } catch (cause) {
    throw caError('CA_CERT_INVALID', 'the private key is not a readable ECDSA P-256 key', {
      cause,
    });
  }
}
