import { X509Certificate } from 'node:crypto';
import { caError } from './ca-errors.ts';
import { decodePemBlocks } from './pem.ts';
import { x509 } from './x509-library.ts';

/**
 * Who issues a certificate, as Docker's `TLSInfo` names it: base64 of the issuer's raw subject
 * (DER) and of its raw public key (SubjectPublicKeyInfo DER). Roots that share the `swarm-ca`
 * name differ in the key, which is what `swarm ca --rotate` compares.
 */
export interface CertificateIssuerInfo {
  readonly CertIssuerSubject: string;
  readonly CertIssuerPublicKey: string;
}

function parse(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (cause) {
    throw caError('CA_CERT_INVALID', 'a certificate could not be parsed', { cause });
  }
}

function infoOf(der: Buffer): CertificateIssuerInfo {
  const subject = new x509.X509Certificate(der).subjectName.toArrayBuffer();
  const spki = parse(der).publicKey.export({ type: 'spki', format: 'der' });
  return {
    CertIssuerSubject: Buffer.from(subject).toString('base64'),
    CertIssuerPublicKey: spki.toString('base64'),
  };
}

/**
 * The issuer info of the certificates a CA signs: the subject and key of its own certificate
 * (the first of `caCertPem`). Throws `CA_CERT_INVALID` when there is no readable certificate.
 */
export function caIssuerInfo(caCertPem: string): CertificateIssuerInfo {
  const der = decodePemBlocks(caCertPem, 'CERTIFICATE')[0];
  if (der === undefined) throw caError('CA_CERT_INVALID', 'no CA certificate found');
  return infoOf(der);
}

/**
 * The issuer info of a node's leaf (the first certificate of `chainPem`): the certificate that
 * signed it, looked up among the chain's intermediates and then `trustedRootsPem`, proven by the
 * signature. During a rotation the cross-signed intermediate and the new root share subject
 * and key, so either gives the same answer. `undefined` when no candidate signed the leaf.
 */
export function leafIssuerInfo(
  chainPem: string,
  trustedRootsPem: readonly string[],
): CertificateIssuerInfo | undefined {
  const [leafDer, ...intermediates] = decodePemBlocks(chainPem, 'CERTIFICATE');
  if (leafDer === undefined) return undefined;
  const leaf = parse(leafDer);
  const roots = trustedRootsPem.flatMap((pem) => decodePemBlocks(pem, 'CERTIFICATE'));
  for (const der of [...intermediates, ...roots]) {
    const candidate = parse(der);
    if (candidate.ca && leaf.checkIssued(candidate) && leaf.verify(candidate.publicKey)) {
      return infoOf(der);
    }
  }
  return undefined;
}

/** Whether two issuer infos name the same issuer (subject and key). */
export function sameIssuer(
  a: Partial<CertificateIssuerInfo> | undefined,
  b: Partial<CertificateIssuerInfo> | undefined,
): boolean {
  return (
    a?.CertIssuerSubject !== undefined &&
    a.CertIssuerSubject === b?.CertIssuerSubject &&
    a.CertIssuerPublicKey === b.CertIssuerPublicKey
  );
}
