import type { CAConfig } from '../../api/objects/cluster.ts';
import { caError } from './ca-errors.ts';
import { loadRootCa } from './root-ca.ts';

function given(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== '';
}

/**
 * Checks the signing CA a `swarm update` (`swarm ca --rotate --ca-cert --ca-key`) asks to
 * rotate to, before it is stored: certificate and key come together, the certificate is an
 * ECDSA P-256 CA certificate and the key is its key. Nothing given passes. Throws
 * `CA_CERT_INVALID` (400), naming the field.
 */
export async function validateSigningCa(ca: CAConfig | undefined): Promise<void> {
  const cert = given(ca?.SigningCACert);
  const key = given(ca?.SigningCAKey);
  if (!cert && !key) return;
  if (!cert || !key) {
    throw caError(
      'CA_CERT_INVALID',
      'give both the signing CA certificate and its key (CAConfig.SigningCACert and SigningCAKey)',
      { field: cert ? 'CAConfig.SigningCAKey' : 'CAConfig.SigningCACert' },
    );
  }
  await loadRootCa(ca?.SigningCACert ?? '', ca?.SigningCAKey ?? '');
}
