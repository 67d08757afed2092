import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from '../../base/atomic-file.ts';
import { ShoalError } from '../../base/errors.ts';
import { keyCheckContext } from './record-cipher.ts';
import type { RecordCipher } from './record-cipher.ts';
import { CorruptLogError } from './types.ts';

/** The file in a storage directory that says whether (and under which key) it is encrypted. */
export const ENCRYPTION_HEADER_FILE = 'encryption.json';

const KEY_CHECK_PLAINTEXT = Buffer.from('shoal raft storage key check', 'utf8');

type EncryptionHeader =
  | { readonly format: 1; readonly encrypted: false }
  | {
      readonly format: 1;
      readonly encrypted: true;
      readonly keyId: string;
      readonly keyCheck: string;
    };

/**
 * Makes sure `cipher` (or its absence) matches how the storage directory `dir` was written,
 * before anything in it is read. The header holds the key ID and a value sealed under the
 * key (never the key), so a wrong key is caught here rather than as a corrupt log.
 *
 * - No header and no WAL segment or snapshot yet: a fresh directory; writes the header
 *   (atomically) for the mode asked for.
 * - No header but data present: a log written before headers existed, hence plaintext.
 * - Rejects with ShoalError `RAFT_STORAGE_ENCRYPTED` (encrypted, no cipher given),
 *   `RAFT_STORAGE_NOT_ENCRYPTED` (plaintext, cipher given: no silent mixing) or
 *   `RAFT_STORAGE_KEY_MISMATCH` (another key ID, or the key does not open the check value);
 *   with CorruptLogError when the header cannot be read.
 */
export async function checkEncryption(
  dir: string,
  cipher: RecordCipher | undefined,
): Promise<void> {
  const path = join(dir, ENCRYPTION_HEADER_FILE);
  const header = (await readHeader(path)) ?? (await headerOfExisting(dir, cipher));
  if (!header.encrypted) {
    if (cipher) {
      throw new ShoalError(
        'RAFT_STORAGE_NOT_ENCRYPTED',
        `the Raft data in ${dir} is not encrypted but a data encryption key (${cipher.keyId}) was given; ` +
          'open it without a key, or remove this manager and rejoin it to rebuild its data encrypted',
        { status: 500 },
      );
    }
    return;
  }
  if (!cipher) {
    throw new ShoalError(
      'RAFT_STORAGE_ENCRYPTED',
      `the Raft data in ${dir} is encrypted with key ${header.keyId} but no key was given; ` +
        'unlock the manager so that its data encryption key is available',
      { status: 503 },
    );
  }
  if (cipher.keyId !== header.keyId) throw keyMismatch(dir, header.keyId, cipher.keyId);
  try {
    const plain = cipher.open(Buffer.from(header.keyCheck, 'base64'), keyCheckContext());
    if (!KEY_CHECK_PLAINTEXT.equals(plain)) throw new Error('key check value differs');
  } catch (err) {
    throw keyMismatch(dir, header.keyId, `${cipher.keyId} (different key material)`, err);
  }
}

/** The header a directory without one gets: fresh ones are written in the mode asked for. */
async function headerOfExisting(
  dir: string,
  cipher: RecordCipher | undefined,
): Promise<EncryptionHeader> {
  if (await holdsData(dir)) return { format: 1, encrypted: false };
  const header: EncryptionHeader = cipher
    ? {
        format: 1,
        encrypted: true,
        keyId: cipher.keyId,
        keyCheck: Buffer.from(cipher.seal(KEY_CHECK_PLAINTEXT, keyCheckContext())).toString(
          'base64',
        ),
      }
    : { format: 1, encrypted: false };
  // Written before the first segment exists: a crash in between leaves a fresh directory.
  await writeFileAtomic(join(dir, ENCRYPTION_HEADER_FILE), JSON.stringify(header) + '\n');
  return header;
}

async function holdsData(dir: string): Promise<boolean> {
  const wal = await readdir(join(dir, 'wal'));
  const snap = await readdir(join(dir, 'snap'));
  return wal.some((n) => n.endsWith('.wal')) || snap.some((n) => n.endsWith('.snap'));
}

async function readHeader(path: string): Promise<EncryptionHeader | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CorruptLogError(path, 0, 'the encryption header is not JSON');
  }
  if (!isHeader(parsed)) throw new CorruptLogError(path, 0, 'the encryption header is malformed');
  return parsed;
}

function isHeader(value: unknown): value is EncryptionHeader {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v['format'] !== 1) return false;
  if (v['encrypted'] === false) return true;
  return (
    v['encrypted'] === true && typeof v['keyId'] === 'string' && typeof v['keyCheck'] === 'string'
  );
}

function keyMismatch(dir: string, stored: string, given: string, cause?: unknown): ShoalError {
  return new ShoalError(
    'RAFT_STORAGE_KEY_MISMATCH',
    `the Raft data in ${dir} is encrypted with key ${stored}, and the key given is ${given}; ` +
      'give the data encryption key this manager was locked with',
    cause === undefined ? { status: 500 } : { status: 500, cause },
  );
}
