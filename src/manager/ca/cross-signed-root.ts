import type { RootCa } from './root-ca.ts';
import {
  BACKDATE_MS,
  caExtensions,
  createRootCa,
  randomSerialNumber,
  readCaCertificate,
} from './root-ca.ts';
import type { RandomBytes } from './random-bytes.ts';
import { ecdsaP256, x509 } from './x509-library.ts';

/** Inputs of {@link crossSignRoot}; `now` is Unix milliseconds from the caller's Clock. */
export interface CrossSignInput {
  /** The root being rotated in; only its certificate is needed. */
  readonly newRootCertPem: string;
  /** The current root, whose key signs. */
  readonly oldRoot: RootCa;
  readonly now: number;
  readonly randomBytes: RandomBytes;
}

/**
 * The new root's certificate re-issued by the old root: same subject, key and subject key
 * identifier as the new root, issuer and authority key identifier of the old root, path length
 * 0, valid from `now - 1h` until whichever root expires first. A node certificate from the new root
 * sent with this intermediate verifies against the old root too, so nodes that trust only the
 * old root keep accepting peers during a rotation. Returns PEM.
 */
export async function crossSignRoot(input: CrossSignInput): Promise<string> {
  const newRoot = readCaCertificate(input.newRootCertPem);
  const oldRoot = readCaCertificate(input.oldRoot.certPem);
  const oldKeyId = oldRoot.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const extensions = (await caExtensions(newRoot.publicKey, 0)).concat(
    oldKeyId === undefined ? [] : [new x509.AuthorityKeyIdentifierExtension(oldKeyId)],
  );
  const notAfter = Math.min(newRoot.notAfter.getTime(), oldRoot.notAfter.getTime());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(input.randomBytes),
    subject: newRoot.subjectName,
    issuer: oldRoot.subjectName,
    notBefore: new Date(input.now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: ecdsaP256,
    publicKey: newRoot.publicKey,
    signingKey: input.oldRoot.key.privateKey,
    extensions,
  });
  return cert.toString('pem') + '\n';
}

/** What a root rotation needs before it starts: the new root and its cross-signed twin. */
export interface RotationMaterial {
  readonly newRoot: RootCa;
  /** {@link crossSignRoot} of `newRoot` by the current root (PEM). */
  readonly crossSignedPem: string;
}

/**
 * Makes the material for `swarm ca --rotate`: a fresh root CA and its certificate cross-signed
 * by `currentRoot` (the cluster's root, also mid-rotation: rotating again replaces the root
 * being rotated in, never the one everyone trusts).
 */
export async function prepareRootRotation(
  currentRoot: RootCa,
  now: number,
  randomBytes: RandomBytes,
): Promise<RotationMaterial> {
  const newRoot = await createRootCa({ now, randomBytes });
  const crossSignedPem = await crossSignRoot({
    newRootCertPem: newRoot.certPem,
    oldRoot: currentRoot,
    now,
    randomBytes,
  });
  return { newRoot, crossSignedPem };
}
