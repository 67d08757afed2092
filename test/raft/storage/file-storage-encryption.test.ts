import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { ShoalError } from '../../../src/base/errors.ts';
import { AesGcmCipher } from '../../../src/raft/storage/aes-gcm-cipher.ts';
import { ENCRYPTION_HEADER_FILE } from '../../../src/raft/storage/encryption-header.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import type { FileStorageOptions } from '../../../src/raft/storage/file-storage.ts';
import type { RecordCipher } from '../../../src/raft/storage/record-cipher.ts';
import type { RecoveredState } from '../../../src/raft/storage/types.ts';
import {
  entries,
  entry,
  hardState,
  segmentNames,
  snapNames,
  snapshotAt,
  tempDirsRemovedAfter,
} from './support/storage-fixtures.ts';

const KEY = Buffer.alloc(32, 0x5a);
const SECRET = 'TOP-SECRET-PAYLOAD-e7f3';

const freshDir = tempDirsRemovedAfter();

function aCipher(keyId = 'dek-1', key: Uint8Array = KEY): RecordCipher {
  return new AesGcmCipher(key, keyId);
}

async function reopen(dir: string, options: FileStorageOptions = {}): Promise<RecoveredState> {
  const storage = new FileStorage(dir, options);
  try {
    return await storage.open();
  } finally {
    await storage.close();
  }
}

/** Every byte the storage put on disk, file by file. */
async function allFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path, await readFile(path));
  }
  return files;
}

/** A log with a snapshot, entries after it and a hard state, all carrying SECRET. */
async function writeSecrets(dir: string, options: FileStorageOptions): Promise<void> {
  const storage = new FileStorage(dir, options);
  await storage.open();
  await storage.save({ entries: [entry(1, 1, SECRET), ...entries(2, 4, 1)] }, true);
  await storage.save({ entries: [], hardState: hardState(1, 2, 4) }, true);
  await storage.saveSnapshot(snapshotAt(3, 1, `${SECRET}-image`));
  await storage.save({ entries: [entry(5, 1, `${SECRET}-5`)] }, true);
  await storage.close();
}

async function assertRefused(dir: string, options: FileStorageOptions, code: string) {
  await assert.rejects(reopen(dir, options), (err: unknown) => {
    assert.ok(err instanceof ShoalError, `expected a ShoalError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, code === 'RAFT_STORAGE_ENCRYPTED' ? 503 : 500);
    assert.ok(err.message.includes(dir), 'the message names the directory');
    return true;
  });
}

describe('FileStorage with a cipher', () => {
  test('round trips entries, hard state and snapshot', async () => {
    const dir = await freshDir();
    await writeSecrets(dir, { cipher: aCipher() });
    const state = await reopen(dir, { cipher: aCipher() });
    assert.deepEqual(state.snapshot, snapshotAt(3, 1, `${SECRET}-image`));
    assert.deepEqual(state.entries, [entry(4, 1), entry(5, 1, `${SECRET}-5`)]);
    assert.deepEqual(state.hardState, hardState(1, 2, 4));
  });

  test('never writes a known plaintext payload (or the key) to disk', async () => {
    const encrypted = await freshDir();
    await writeSecrets(encrypted, { cipher: aCipher() });
    const files = await allFiles(encrypted);
    assert.ok(files.size >= 3, 'header, segment and snapshot');
    for (const [path, bytes] of files) {
      assert.equal(bytes.includes(SECRET), false, `${path} holds the plaintext`);
      assert.equal(bytes.includes(KEY), false, `${path} holds the key`);
      assert.equal(bytes.includes(KEY.toString('base64')), false, `${path} holds the key`);
      assert.equal(bytes.includes(KEY.toString('hex')), false, `${path} holds the key`);
    }
    // The same log in plaintext does show the payload: the check above can see it.
    const plain = await freshDir();
    await writeSecrets(plain, {});
    const leaks = [...(await allFiles(plain)).values()].filter((b) => b.includes(SECRET));
    assert.ok(leaks.length >= 2, 'plaintext segment and snapshot hold the payload');
  });

  test('records the mode and key ID in the directory', async () => {
    const dir = await freshDir();
    await reopen(dir, { cipher: aCipher('dek-7') });
    const text = await readFile(join(dir, ENCRYPTION_HEADER_FILE), 'utf8');
    const header = JSON.parse(text) as { encrypted: boolean; keyId: string };
    assert.equal(header.encrypted, true);
    assert.equal(header.keyId, 'dek-7');
  });

  test('survives segment roll-over: records are bound to their own segment', async () => {
    const dir = await freshDir();
    const options = { cipher: aCipher(), segmentBytes: 256 };
    const storage = new FileStorage(dir, options);
    await storage.open();
    for (let i = 1; i <= 20; i++) {
      await storage.save(
        { entries: [entry(i, 1, `${SECRET}-${i}`)], hardState: hardState(1, 1, i) },
        false,
      );
    }
    await storage.close();
    assert.ok((await segmentNames(dir)).length > 2);
    const state = await reopen(dir, options);
    assert.equal(state.entries.length, 20);
    assert.deepEqual(state.entries[19], entry(20, 1, `${SECRET}-20`));
    assert.deepEqual(state.hardState, hardState(1, 1, 20));
  });
});

describe('FileStorage refuses a cipher that does not match the directory', () => {
  test('an encrypted log opened without a cipher', async () => {
    const dir = await freshDir();
    await writeSecrets(dir, { cipher: aCipher() });
    await assertRefused(dir, {}, 'RAFT_STORAGE_ENCRYPTED');
  });

  test('an encrypted log opened with another key ID', async () => {
    const dir = await freshDir();
    await writeSecrets(dir, { cipher: aCipher('dek-1') });
    await assertRefused(dir, { cipher: aCipher('dek-2') }, 'RAFT_STORAGE_KEY_MISMATCH');
  });

  test('an encrypted log opened with the same key ID but other key material', async () => {
    const dir = await freshDir();
    await writeSecrets(dir, { cipher: aCipher('dek-1') });
    const impostor = aCipher('dek-1', Buffer.alloc(32, 0x11));
    await assertRefused(dir, { cipher: impostor }, 'RAFT_STORAGE_KEY_MISMATCH');
  });

  test('a plaintext log opened with a cipher', async () => {
    const dir = await freshDir();
    await writeSecrets(dir, {});
    await assertRefused(dir, { cipher: aCipher() }, 'RAFT_STORAGE_NOT_ENCRYPTED');
  });

  test('a plaintext log from before headers existed, opened with a cipher', async () => {
    const dir = await freshDir();
    await writeSecrets(dir, {});
    await rm(join(dir, ENCRYPTION_HEADER_FILE));
    await assertRefused(dir, { cipher: aCipher() }, 'RAFT_STORAGE_NOT_ENCRYPTED');
    const state = await reopen(dir);
    assert.equal(state.entries.length, 2);
  });

  test('a refused open changes nothing on disk', async () => {
    const dir = await freshDir();
    await writeSecrets(dir, { cipher: aCipher() });
    const before = await allFiles(dir);
    await assertRefused(dir, {}, 'RAFT_STORAGE_ENCRYPTED');
    await assertRefused(dir, { cipher: aCipher('dek-2') }, 'RAFT_STORAGE_KEY_MISMATCH');
    assert.deepEqual(await allFiles(dir), before);
    assert.deepEqual(await snapNames(dir), ['0000000000000001-0000000000000003.snap']);
  });
});
