import assert from 'node:assert/strict';
import { appendFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { SeededRng } from '../../../src/base/rng.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { CorruptLogError } from '../../../src/raft/storage/types.ts';
import type { RecoveredState } from '../../../src/raft/storage/types.ts';
import {
  entries,
  entry,
  fileSize,
  flipByte,
  hardState,
  lastSegmentPath,
  removeDir,
  segmentNames,
  tempDirsRemovedAfter,
} from './support/storage-fixtures.ts';

const freshDir = tempDirsRemovedAfter();

async function reopen(dir: string): Promise<RecoveredState> {
  const storage = new FileStorage(dir);
  try {
    return await storage.open();
  } finally {
    await storage.close();
  }
}

/**
 * A WAL with three saves in one segment; `ends[i]` is the segment length after save i, so
 * save i occupies bytes [ends[i - 1], ends[i]) and begins with its entries record.
 */
async function threeSaves(dir: string): Promise<{ path: string; ends: number[] }> {
  const storage = new FileStorage(dir);
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

const afterTwoSaves: RecoveredState = {
  hardState: hardState(1, 1, 3),
  snapshot: undefined,
  entries: entries(1, 5, 1),
};

describe('FileStorage recovery of a torn tail', () => {
  let base: { dir: string; path: string; ends: number[]; bytes: Buffer };

  before(async () => {
    const dir = await freshDir();
    const { path, ends } = await threeSaves(dir);
    base = { dir, path, ends, bytes: await readFile(path) };
  });

  test('the final record cut at every byte offset recovers the state before it', async () => {
    const [, , second, third] = base.ends as [number, number, number, number];
    for (let cut = second; cut < third; cut++) {
      await writeFile(base.path, base.bytes.subarray(0, cut));
      assert.deepEqual(await reopen(base.dir), afterTwoSaves, `cut at byte ${cut}`);
      assert.equal(await fileSize(base.path), second, `torn bytes truncated after cut at ${cut}`);
    }
  });

  test('the last two-record write cut at every byte offset keeps whole records only', async () => {
    const [, first, second] = base.ends as [number, number, number, number];
    const entriesEnd = first + 13 + base.bytes.readUInt32LE(first);
    for (let cut = first; cut < second; cut++) {
      await writeFile(base.path, base.bytes.subarray(0, cut));
      const state = await reopen(base.dir);
      const kept = cut < entriesEnd ? entries(1, 3, 1) : entries(1, 5, 1);
      assert.deepEqual(state, {
        hardState: hardState(1, 1, 1),
        snapshot: undefined,
        entries: kept,
      });
    }
  });

  test('a final record with a bad checksum is treated as torn', async () => {
    const [, , second] = base.ends as [number, number, number, number];
    const damaged = Buffer.from(base.bytes);
    flipByte(damaged, damaged.length - 2, 0x40);
    await writeFile(base.path, damaged);
    assert.deepEqual(await reopen(base.dir), afterTwoSaves);
    assert.equal(await fileSize(base.path), second);
  });

  test('garbage appended after the last record is cut off', async () => {
    const rng = new SeededRng(20240611);
    for (const length of [1, 5, 12, 13, 14, 64, 4096]) {
      const garbage = Buffer.alloc(length);
      for (let i = 0; i < length; i++) garbage[i] = rng.int(256);
      await writeFile(base.path, Buffer.concat([base.bytes, garbage]));
      const state = await reopen(base.dir);
      assert.deepEqual(
        state.entries,
        [...entries(1, 5, 1), entry(6, 1, 'last')],
        `${length} bytes`,
      );
      assert.equal(await fileSize(base.path), base.bytes.length);
    }
  });

  test('a zero-filled preallocated tail counts as torn', async () => {
    await writeFile(base.path, base.bytes);
    await appendFile(base.path, Buffer.alloc(64 * 1024));
    const state = await reopen(base.dir);
    assert.equal(state.entries.length, 6);
    assert.equal(await fileSize(base.path), base.bytes.length);
  });

  test('zeros over the end of the last write count as torn', async () => {
    // Delayed allocation can persist the new file length before the data blocks.
    const [, , second] = base.ends as [number, number, number, number];
    const zeroed = Buffer.from(base.bytes);
    zeroed.fill(0, second + 10);
    await writeFile(base.path, zeroed);
    assert.deepEqual(await reopen(base.dir), afterTwoSaves);
  });

  test('the node appends normally after a torn tail is truncated', async () => {
    const [, , second] = base.ends as [number, number, number, number];
    await writeFile(base.path, base.bytes.subarray(0, second + 7));
    const storage = new FileStorage(base.dir);
    await storage.open();
    await storage.save({ entries: [entry(6, 2, 'again')], hardState: hardState(2, 0, 5) }, true);
    await storage.close();
    const state = await reopen(base.dir);
    assert.deepEqual(state.entries, [...entries(1, 5, 1), entry(6, 2, 'again')]);
    assert.deepEqual(state.hardState, hardState(2, 0, 5));
  });
});

describe('FileStorage refuses a log corrupted before its tail', () => {
  async function expectCorrupt(dir: string, file: string, offset: number): Promise<void> {
    const before = await readFile(file);
    await assert.rejects(reopen(dir), (err: unknown) => {
      assert.ok(err instanceof CorruptLogError, `expected CorruptLogError, got ${String(err)}`);
      assert.equal(err.file, file);
      assert.equal(err.offset, offset);
      return true;
    });
    assert.deepEqual(await readFile(file), before, 'a corrupt log is left untouched');
  }

  test('a flipped payload byte in an early record names its file and offset', async () => {
    const dir = await freshDir();
    const { path, ends } = await threeSaves(dir);
    const bytes = await readFile(path);
    flipByte(bytes, ends[1]! + 20, 0x01);
    await writeFile(path, bytes);
    await expectCorrupt(dir, path, ends[1]!);
  });

  test('a flipped length byte in an early record header names its file and offset', async () => {
    const dir = await freshDir();
    const { path, ends } = await threeSaves(dir);
    const bytes = await readFile(path);
    flipByte(bytes, ends[1]! + 1, 0x80);
    await writeFile(path, bytes);
    await expectCorrupt(dir, path, ends[1]!);
  });

  test('damage in the first record of the segment is reported at offset 0', async () => {
    const dir = await freshDir();
    const { path } = await threeSaves(dir);
    const bytes = await readFile(path);
    flipByte(bytes, 6, 0xff);
    await writeFile(path, bytes);
    await expectCorrupt(dir, path, 0);
  });

  test('a torn record in a segment that is not the last one is corruption', async () => {
    const dir = await freshDir();
    const storage = new FileStorage(dir, { segmentBytes: 100 });
    await storage.open();
    for (let i = 1; i <= 12; i++)
      await storage.save({ entries: [entry(i, 1)], hardState: hardState(1, 1, i) }, true);
    await storage.close();
    const names = await segmentNames(dir);
    assert.ok(names.length >= 3);
    const victim = join(dir, 'wal', names[1]!);
    const size = await fileSize(victim);
    await truncate(victim, size - 3);
    const bytes = await readFile(victim);
    // The record cut short is the last one of the file: find where it starts.
    let lastStart = 0;
    for (let at = 0; at < bytes.length;) {
      const length = bytes.readUInt32LE(at);
      if (at + 13 + length > bytes.length) break;
      lastStart = at + 13 + length;
      at = lastStart;
    }
    await expectCorrupt(dir, victim, lastStart);
  });

  test('a missing segment in the middle of the WAL is corruption', async () => {
    const dir = await freshDir();
    const storage = new FileStorage(dir, { segmentBytes: 100 });
    await storage.open();
    for (let i = 1; i <= 12; i++) await storage.save({ entries: [entry(i, 1)] }, true);
    await storage.close();
    const names = await segmentNames(dir);
    await removeDir(join(dir, 'wal', names[1]!));
    await expectCorrupt(dir, join(dir, 'wal', names[2]!), 0);
  });
});
