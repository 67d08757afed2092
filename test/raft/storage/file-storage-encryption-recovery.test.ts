import assert from 'node:assert/strict';
import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, test } from 'node:test';

import { AesGcmCipher } from '../../../src/raft/storage/aes-gcm-cipher.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { CorruptLogError } from '../../../src/raft/storage/types.ts';
import type { RecoveredState } from '../../../src/raft/storage/types.ts';
import { RECORD_HEADER_BYTES } from '../../../src/raft/storage/wal-record.ts';
import {
  entries,
  entry,
  fileSize,
  flipByte,
  hardState,
  lastSegmentPath,
  snapNames,
  snapshotAt,
  tempDirsRemovedAfter,
} from './support/storage-fixtures.ts';

const options = { cipher: new AesGcmCipher(Buffer.alloc(32, 0x42), 'dek-1') };

const freshDir = tempDirsRemovedAfter();

async function reopen(dir: string): Promise<RecoveredState> {
  const storage = new FileStorage(dir, options);
  try {
    return await storage.open();
  } finally {
    await storage.close();
  }
}

/** Three encrypted saves in one segment; save i occupies bytes [ends[i - 1], ends[i]). */
async function threeSaves(dir: string): Promise<{ path: string; ends: number[] }> {
  const storage = new FileStorage(dir, options);
  await storage.open();
  const path = await lastSegmentPath(dir);
  const ends = [await fileSize(path)];
  await storage.save({ entries: entries(1, 3, 1), hardState: hardState(1, 1, 1) }, true);
  ends.push(await fileSize(path));
  await storage.save({ entries: entries(4, 5, 1), hardState: hardState(1, 1, 3) }, true);
  ends.push(await fileSize(path));
  await storage.save({ entries: [entry(6, 1, 'last')] }, true);
  ends.push(await fileSize(path));
  await storage.close();
  return { path, ends };
}

/** Alters a byte of the payload starting at `record`, then fixes its CRC so only AEAD sees it. */
async function tamperKeepingChecksum(path: string, record: number): Promise<void> {
  const buf = await readFile(path);
  const length = buf.readUInt32LE(record);
  const payloadStart = record + RECORD_HEADER_BYTES;
  flipByte(buf, payloadStart + Math.floor(length / 2), 0x20);
  buf.writeUInt32LE(crc32(buf.subarray(payloadStart, payloadStart + length)), record + 9);
  await writeFile(path, buf);
}

function isCorruptionAt(file: string, offset: number, text?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof CorruptLogError, `expected CorruptLogError, got ${String(err)}`);
    assert.equal(err.file, file);
    assert.equal(err.offset, offset);
    if (text !== undefined) assert.match(err.message, new RegExp(text));
    return true;
  };
}

describe('encrypted WAL recovery', () => {
  test('a torn tail is cut off and the log continues', async () => {
    const dir = await freshDir();
    const { path, ends } = await threeSaves(dir);
    await truncate(path, ends[3]! - 5);
    const state = await reopen(dir);
    assert.deepEqual(state.entries, entries(1, 5, 1));
    assert.equal(await fileSize(path), ends[2]);
    const storage = new FileStorage(dir, options);
    await storage.open();
    await storage.save({ entries: [entry(6, 2, 'again')], hardState: hardState(2, 0, 5) }, true);
    await storage.close();
    const after = await reopen(dir);
    assert.deepEqual(after.entries, [...entries(1, 5, 1), entry(6, 2, 'again')]);
    assert.deepEqual(after.hardState, hardState(2, 0, 5));
  });

  test('a tail torn at any byte of the last save recovers the saves before it', async () => {
    const dir = await freshDir();
    const { path, ends } = await threeSaves(dir);
    const whole = await readFile(path);
    for (let cut = ends[2]!; cut < ends[3]!; cut++) {
      await writeFile(path, whole.subarray(0, cut));
      assert.deepEqual((await reopen(dir)).entries, entries(1, 5, 1), `cut at ${cut}`);
    }
  });

  test('a flipped ciphertext byte mid-log is corruption at that record', async () => {
    const dir = await freshDir();
    const { path, ends } = await threeSaves(dir);
    const buf = await readFile(path);
    flipByte(buf, ends[1]! + RECORD_HEADER_BYTES + 20, 0x04);
    await writeFile(path, buf);
    await assert.rejects(reopen(dir), isCorruptionAt(path, ends[1]!, 'payload checksum'));
  });

  test('a payload that fails authentication behind a good checksum is corruption', async () => {
    const dir = await freshDir();
    const { path, ends } = await threeSaves(dir);
    await tamperKeepingChecksum(path, ends[1]!);
    await assert.rejects(reopen(dir), isCorruptionAt(path, ends[1]!, 'authentication'));
  });

  test('a record copied over another position does not open', async () => {
    const dir = await freshDir();
    const storage = new FileStorage(dir, options);
    await storage.open();
    const path = await lastSegmentPath(dir);
    const ends: number[] = [];
    for (const [i, text] of ['aaaa', 'bbbb', 'cccc'].entries()) {
      await storage.save({ entries: [entry(i + 1, 1, text)] }, true);
      ends.push(await fileSize(path));
    }
    await storage.close();
    // Saves 2 and 3 are single entries records of equal size. In plaintext, save 2 replayed
    // in place of save 3 would pass every check (it rewrites entry 2); sealed, it must not.
    const buf = await readFile(path);
    const [end1, end2, end3] = ends as [number, number, number];
    assert.equal(end3 - end2, end2 - end1);
    buf.copy(buf, end2, end1, end2);
    await writeFile(path, buf);
    await assert.rejects(reopen(dir), isCorruptionAt(path, end2, 'authentication'));
  });
});

describe('encrypted snapshots', () => {
  async function withSnapshot(dir: string): Promise<void> {
    const storage = new FileStorage(dir, options);
    await storage.open();
    await storage.save({ entries: entries(1, 4, 1), hardState: hardState(1, 1, 4) }, true);
    await storage.saveSnapshot(snapshotAt(4, 1, 'secret image'));
    await storage.close();
  }

  test('are written sealed and read back', async () => {
    const dir = await freshDir();
    await withSnapshot(dir);
    const [name] = await snapNames(dir);
    const bytes = await readFile(join(dir, 'snap', name!));
    assert.equal(bytes.includes('secret image'), false);
    assert.deepEqual((await reopen(dir)).snapshot, snapshotAt(4, 1, 'secret image'));
  });

  test('one renamed to another index does not open, and the older one is used', async () => {
    const dir = await freshDir();
    await withSnapshot(dir);
    const [name] = await snapNames(dir);
    const forged = '0000000000000001-0000000000000003.snap';
    await copyFile(join(dir, 'snap', name!), join(dir, 'snap', forged));
    await assert.doesNotReject(reopen(dir));
    // Renamed above the real one: it fails authentication and is skipped like a damaged file.
    await copyFile(
      join(dir, 'snap', name!),
      join(dir, 'snap', '0000000000000001-0000000000000009.snap'),
    );
    assert.deepEqual((await reopen(dir)).snapshot, snapshotAt(4, 1, 'secret image'));
  });

  test('a snapshot that fails authentication, with a WAL marker needing it, is corruption', async () => {
    const dir = await freshDir();
    const storage = new FileStorage(dir, options);
    await storage.open();
    await storage.save({ snapshot: snapshotAt(4, 2, 'leader image'), entries: [] }, true);
    await storage.close();
    const [name] = await snapNames(dir);
    await tamperKeepingChecksum(join(dir, 'snap', name!), 0);
    await assert.rejects(reopen(dir), CorruptLogError);
  });
});
