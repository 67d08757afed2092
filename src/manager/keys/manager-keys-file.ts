import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { statusOf } from '../../api/errors.ts';
import { writeFileAtomic } from '../../base/atomic-file.ts';
import { ShoalError } from '../../base/errors.ts';
import type { SealedManagerSecrets } from './manager-secrets.ts';

/** The file, in a manager's certificates directory, that holds its sealed keys. */
export const MANAGER_KEYS_FILE = 'swarm-manager-keys.json';

/**
 * Writes `sealed` to `<dir>/swarm-manager-keys.json` atomically (mode 0600, directory created
 * 0700): a crash leaves the old keys or the new ones, never a mix, so every sealed key in the
 * file always opens under the same KEK.
 */
export async function saveManagerKeys(dir: string, sealed: SealedManagerSecrets): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, MANAGER_KEYS_FILE), JSON.stringify(sealed) + '\n', 0o600);
}

/**
 * The sealed keys {@link saveManagerKeys} wrote, or undefined when the file does not exist (a
 * worker, or a manager written before encryption at rest). Throws `SEALED_DATA_CORRUPT` when
 * the file is not a well-formed format-1 keys file.
 */
export async function loadManagerKeys(dir: string): Promise<SealedManagerSecrets | undefined> {
  const path = join(dir, MANAGER_KEYS_FILE);
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
  } catch (cause) {
    throw corrupt(path, cause);
  }
  if (!isSealedManagerSecrets(parsed)) throw corrupt(path);
  return parsed;
}

function corrupt(path: string, cause?: unknown): ShoalError {
  return new ShoalError(
    'SEALED_DATA_CORRUPT',
    `${path} is not a readable manager keys file; restore it from a backup, or remove this manager (swarm leave --force) and join it again`,
    { status: statusOf('SEALED_DATA_CORRUPT'), ...(cause === undefined ? {} : { cause }) },
  );
}

function isSealedManagerSecrets(value: unknown): value is SealedManagerSecrets {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const optionalString = (key: string): boolean =>
    v[key] === undefined || typeof v[key] === 'string';
  if (v['format'] !== 1 || typeof v['autolock'] !== 'boolean') return false;
  if (typeof v['dataKeyId'] !== 'string' || typeof v['dataKey'] !== 'string') return false;
  if (!optionalString('rootCaKey') || !optionalString('kek') || !optionalString('salt')) {
    return false;
  }
  const version = v['recordVersion'];
  if (version !== undefined && (typeof version !== 'number' || !Number.isSafeInteger(version))) {
    return false;
  }
  return v['autolock'] ? typeof v['salt'] === 'string' : typeof v['kek'] === 'string';
}
