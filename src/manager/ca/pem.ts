/** The PEM labels the cluster PKI reads and writes. */
export type PemLabel = 'CERTIFICATE' | 'CERTIFICATE REQUEST' | 'PRIVATE KEY';

/** Encodes DER bytes as one PEM block with `label`, base64 wrapped at 64 columns. */
export function encodePem(label: PemLabel, der: Uint8Array | ArrayBuffer): string {
  const body = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString(
    'base64',
  );
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const blockPattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The DER bytes of every PEM block labelled `label` in `text`, in order of appearance. Blocks
 * with other labels are skipped; text outside blocks is ignored. Returns `[]` when none match.
 */
export function decodePemBlocks(text: string, label: PemLabel): Buffer[] {
  const found: Buffer[] = [];
  for (const match of text.matchAll(blockPattern)) {
    if (match[1] !== label) continue;
    found.push(Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64'));
  }
  return found;
}

/** Splits a PEM bundle into one PEM string per certificate, in order (leaf first in a chain). */
export function splitCertificates(bundle: string): string[] {
  return decodePemBlocks(bundle, 'CERTIFICATE').map((der) => encodePem('CERTIFICATE', der));
}
