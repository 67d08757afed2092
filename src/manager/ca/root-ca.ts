import { createHash } from 'node:crypto';
import { caError } from './ca-errors.ts';
import { decodePemBlocks } from './pem.ts';
import type { RandomBytes } from './random-bytes.ts';
import { generateSigningKey, importSigningKey } from './signing-key.ts';
import type { SigningKey } from './signing-key.ts';
import { ecdsaP256, subtle, x509 } from './x509-library.ts';
import type { CryptoKey, EcKeyAlgorithm } from './x509-library.ts';

/** Swarm's root CA common name; every root, old or new, carries it. */
export const ROOT_CA_COMMON_NAME = 'swarm-ca';
/** Swarm's root CA validity: 630,720,000 s, twenty years. */
export const ROOT_CA_VALIDITY_MS = 630_720_000_000;
/** Certificates start one hour in the past, so peers with a slightly slow clock accept them. */
export const BACKDATE_MS = 3_600_000;

/**
 * A root CA: its self-signed certificate (PEM) and its signing key. Only managers hold the key;
 * other nodes know a root by its certificate alone.
 */
export interface RootCa {
  readonly certPem: string;
  readonly key: SigningKey;
}

/** Inputs of {@link createRootCa}. `now` is Unix milliseconds, from the caller's Clock. */
export interface CreateRootCaOptions {
  readonly now: number;
  readonly randomBytes: RandomBytes;
  /** Defaults to {@link ROOT_CA_VALIDITY_MS}. */
  readonly validityMs?: number;
}

/**
 * A positive 128-bit certificate serial number in hex, from `randomBytes`. The first byte is
 * kept in 0x01..0x7f so the DER integer is positive and minimally encoded.
 */
export function randomSerialNumber(randomBytes: RandomBytes): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f || 1;
  return Buffer.from(bytes).toString('hex');
}

/**
 * The extensions of a CA certificate for `publicKey`: basicConstraints CA (critical; with
 * `pathLength` when given), keyUsage certSign + cRLSign + digitalSignature (critical), and a
 * subject key identifier, which tells apart roots that share the `swarm-ca` name.
 */
export async function caExtensions(
  publicKey: CryptoKey | x509.PublicKey,
  pathLength?: number,
): Promise<x509.Extension[]> {
  const usages =
    x509.KeyUsageFlags.keyCertSign |
    x509.KeyUsageFlags.cRLSign |
    x509.KeyUsageFlags.digitalSignature;
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(usages, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

/**
 * A new root CA: a fresh P-256 key and a self-signed certificate, CN `swarm-ca`, valid from
 * `now - 1h` for `validityMs`. Serial from `randomBytes`.
 */
export async function createRootCa(options: CreateRootCaOptions): Promise<RootCa> {
  const key = await generateSigningKey();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(options.randomBytes),
    name: [{ CN: [ROOT_CA_COMMON_NAME] }],
    notBefore: new Date(options.now - BACKDATE_MS),
    notAfter: new Date(options.now + (options.validityMs ?? ROOT_CA_VALIDITY_MS)),
    signingAlgorithm: ecdsaP256,
    keys: { privateKey: key.privateKey, publicKey: key.publicKey },
    extensions: await caExtensions(key.publicKey),
  });
  return { certPem: cert.toString('pem') + '\n', key };
}

/**
 * Reads a root CA from its certificate and key PEM. Throws `CA_CERT_INVALID` when the
 * certificate is not a P-256 CA certificate or the key is not the certificate's key.
 */
export async function loadRootCa(certPem: string, keyPem: string): Promise<RootCa> {
  const cert = readCaCertificate(certPem);
  const key = await importSigningKey(keyPem);
  const spki = Buffer.from(await subtle.exportKey('spki', key.publicKey));
  if (!spki.equals(Buffer.from(cert.publicKey.rawData))) {
    throw caError('CA_CERT_INVALID', 'the root CA key does not belong to the root CA certificate');
  }
  return { certPem, key };
}

/**
 * Parses one CA certificate (the first in `pem`). Throws `CA_CERT_INVALID` when there is none,
 * it lacks the CA flag, or its key is not ECDSA P-256.
 */
export function readCaCertificate(pem: string): x509.X509Certificate {
  const der = decodePemBlocks(pem, 'CERTIFICATE')[0];
  if (der === undefined) {
    throw caError('CA_CERT_INVALID', 'no CA certificate (BEGIN CERTIFICATE) found');
  }
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(der);
  } catch (cause) {
    throw caError('CA_CERT_INVALID', 'the CA certificate could not be parsed', { cause });
  }
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) throw caError('CA_CERT_INVALID', 'the certificate is not a CA certificate');
  const algorithm = cert.publicKey.algorithm as EcKeyAlgorithm;
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
    throw caError('CA_CERT_INVALID', 'the CA key must be ECDSA P-256');
  }
  return cert;
}

function sha256OfCertificates(pem: string): Buffer {
  const ders = decodePemBlocks(pem, 'CERTIFICATE');
  if (ders.length === 0) throw caError('CA_CERT_INVALID', 'no root CA certificate found');
  return createHash('sha256').update(Buffer.concat(ders)).digest();
}

/**
 * The root CA digest carried in join tokens: SHA-256 over the DER of every certificate in
 * `pem` (in order), as a base-36 number left-padded with `0` to 50 characters. Swarm hashes
 * the PEM text instead; DER makes the digest independent of line wrapping and comments.
 * Hashing the whole bundle means extra roots cannot be slipped in beside a pinned one.
 */
export function rootCaDigest(pem: string): string {
  return BigInt('0x' + sha256OfCertificates(pem).toString('hex'))
    .toString(36)
    .padStart(50, '0');
}

/** The same digest as {@link rootCaDigest} in the `sha256:<hex>` form `swarm ca` prints. */
export function rootCaDigestHex(pem: string): string {
  return 'sha256:' + sha256OfCertificates(pem).toString('hex');
}
