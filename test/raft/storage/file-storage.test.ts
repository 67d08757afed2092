import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import type { RecoveredState } from '../../../src/raft/storage/types.ts';
import {
  entries,
  entry,
  flipByte,
  hardState,
  segmentNames,
  snapNames,
  snapshotAt,
  tempDirsRemovedAfter,
} from './support/storage-fixtures.ts';

const freshDir = tempDirsRemovedAfter();

/** Opens `dir`, runs `body` on the storage, closes it. */
async function withStorage(
  dir: string,
  body: (s: FileStorage, recovered: RecoveredState) => Promise<void>,
  segmentBytes?: number,
): Promise<void> {
  const storage = new FileStorage(dir, segmentBytes === undefined ? {} : { segmentBytes });
  const recovered = await storage.open();
  try {
    await body(storage, recovered);
  } finally {
    await storage.close();
  }
}

async function reopen(dir: string): Promise<RecoveredState> {
  const storage = new FileStorage(dir);
  try {
    return await storage.open();
  } finally {
    await storage.close();
  }
}

describe('FileStorage', () => {
  test('a fresh directory opens empty and creates its layout', async () => {
    const dir = join(await freshDir(), 'nested', 'node-1');
    const state = await reopen(dir);
    assert.deepEqual(state, {
      hardState: hardState(0, 0, 0),
      snapshot: undefined,
      entries: [],
    });
    assert.equal((await segmentNames(dir)).length, 1);
    assert.deepEqual(await snapNames(dir), []);
  });

  test('round trip: saved entries and hard state come back after reopen', async () => {
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 3, 1), hardState: hardState(1, 1, 0) }, true);
      await s.save(
        { entries: [entry(4, 1, 'x'.repeat(5000))], hardState: hardState(1, 1, 3) },
        true,
      );
      await s.save({ entries: [], hardState: hardState(1, 1, 4) }, false);
    });
    assert.deepEqual(await reopen(dir), {
      hardState: hardState(1, 1, 4),
      snapshot: undefined,
      entries: [...entries(1, 3, 1), entry(4, 1, 'x'.repeat(5000))],
    });
  });

  test('reopening twice gives identical state', async () => {
    const dir = await freshDir();
    await withStorage(
      dir,
      async (s) => {
        await s.save({ entries: entries(1, 40, 1), hardState: hardState(1, 2, 30) }, true);
        await s.saveSnapshot(snapshotAt(20, 1));
        await s.save({ entries: entries(35, 50, 2), hardState: hardState(2, 3, 45) }, true);
      },
      512,
    );
    const first = await reopen(dir);
    const second = await reopen(dir);
    assert.deepEqual(second, first);
    assert.equal(first.snapshot?.metadata.index, 20);
    assert.deepEqual(first.entries, [...entries(21, 34, 1), ...entries(35, 50, 2)]);
  });

  test('an append at a stored index replaces that entry and everything after it', async () => {
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 10, 1), hardState: hardState(1, 1, 2) }, true);
      await s.save({ entries: entries(6, 7, 2), hardState: hardState(2, 0, 2) }, true);
      await s.save({ entries: entries(8, 8, 3), hardState: hardState(3, 0, 2) }, true);
      await s.save({ entries: entries(3, 4, 4), hardState: hardState(4, 0, 2) }, true);
    });
    const state = await reopen(dir);
    assert.deepEqual(state.entries, [...entries(1, 2, 1), ...entries(3, 4, 4)]);
    assert.deepEqual(state.hardState, hardState(4, 0, 2));
  });

  test('an overwrite that crosses segments is replayed in write order', async () => {
    const dir = await freshDir();
    await withStorage(
      dir,
      async (s) => {
        for (let i = 1; i <= 30; i++) await s.save({ entries: [entry(i, 1)] }, false);
        await s.save({ entries: entries(5, 6, 2), hardState: hardState(2, 0, 4) }, true);
      },
      200,
    );
    assert.ok((await segmentNames(dir)).length > 3);
    const state = await reopen(dir);
    assert.deepEqual(state.entries, [...entries(1, 4, 1), ...entries(5, 6, 2)]);
  });

  test('a new segment starts once the current one passes the size limit', async () => {
    const dir = await freshDir();
    await withStorage(
      dir,
      async (s) => {
        for (let i = 1; i <= 20; i++) {
          await s.save(
            { entries: [entry(i, 1, 'y'.repeat(100))], hardState: hardState(1, 1, i - 1) },
            true,
          );
        }
      },
      300,
    );
    const names = await segmentNames(dir);
    assert.ok(names.length >= 6, `expected several segments, got ${names.join(', ')}`);
    // Names carry a sequence number and the index expected next when the segment began.
    assert.match(names[0]!, /^0{15}1-0{15}1\.wal$/);
    assert.match(names[1]!, /^0{15}2-0{15}[2-9]\.wal$/);
    const state = await reopen(dir);
    assert.equal(state.entries.length, 20);
    assert.deepEqual(state.hardState, hardState(1, 1, 19));
  });

  test('saveSnapshot removes covered segments and older snapshots', async () => {
    const dir = await freshDir();
    await withStorage(
      dir,
      async (s) => {
        for (let i = 1; i <= 40; i++)
          await s.save({ entries: [entry(i, 1)], hardState: hardState(1, 1, i) }, true);
        const before = await segmentNames(dir);
        await s.saveSnapshot(snapshotAt(10, 1));
        const afterFirst = await segmentNames(dir);
        assert.ok(afterFirst.length < before.length, 'segments up to index 10 are gone');
        assert.deepEqual(afterFirst, before.slice(before.length - afterFirst.length));
        await s.saveSnapshot(snapshotAt(38, 1));
        assert.deepEqual(await snapNames(dir), ['0000000000000001-0000000000000026.snap']);
        assert.ok((await segmentNames(dir)).length < afterFirst.length);
      },
      150,
    );
    const state = await reopen(dir);
    assert.deepEqual(state.snapshot, snapshotAt(38, 1));
    assert.deepEqual(state.entries, entries(39, 40, 1));
    assert.deepEqual(state.hardState, hardState(1, 1, 40));
  });

  test('the hard state survives removal of the segment that last recorded it', async () => {
    const dir = await freshDir();
    await withStorage(
      dir,
      async (s) => {
        await s.save({ entries: [], hardState: hardState(7, 2, 0) }, true);
        for (let i = 1; i <= 30; i++) await s.save({ entries: [entry(i, 7)] }, true);
        await s.saveSnapshot(snapshotAt(29, 7));
      },
      120,
    );
    const state = await reopen(dir);
    assert.deepEqual(state.hardState, hardState(7, 2, 29));
    assert.deepEqual(state.entries, [entry(30, 7)]);
  });

  test("a leader's snapshot in save() replaces the log and is persisted before entries", async () => {
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 8, 1), hardState: hardState(1, 0, 3) }, true);
      await s.save(
        {
          snapshot: snapshotAt(20, 3),
          entries: entries(21, 22, 3),
          hardState: hardState(3, 0, 20),
        },
        true,
      );
      await s.save({ entries: [entry(23, 3)], hardState: hardState(3, 0, 22) }, true);
    });
    const state = await reopen(dir);
    assert.deepEqual(state.snapshot, snapshotAt(20, 3));
    assert.deepEqual(state.entries, entries(21, 23, 3));
    assert.deepEqual(state.hardState, hardState(3, 0, 22));
  });

  test('a snapshot whose WAL records were never written still recovers consistently', async () => {
    // The crash window of a leader's snapshot: its file is durable, its marker is not.
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 10, 1), hardState: hardState(1, 0, 4) }, true);
      await s.saveSnapshot(snapshotAt(8, 2));
    });
    const first = await reopen(dir);
    assert.deepEqual(first.entries, [], 'entries conflicting with the snapshot are dropped');
    assert.deepEqual(first.hardState, hardState(2, 0, 8));
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(9, 10, 2), hardState: hardState(2, 0, 9) }, true);
    });
    const second = await reopen(dir);
    assert.deepEqual(second.entries, entries(9, 10, 2));
    assert.deepEqual(second.hardState, hardState(2, 0, 9));
  });

  test('a snapshot beyond the end of the WAL is continued by later appends', async () => {
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 3, 1), hardState: hardState(1, 0, 3) }, true);
      await s.saveSnapshot(snapshotAt(50, 4));
    });
    await withStorage(dir, async (s, recovered) => {
      assert.deepEqual(recovered.entries, []);
      await s.save({ entries: entries(51, 52, 4) }, true);
    });
    assert.deepEqual((await reopen(dir)).entries, entries(51, 52, 4));
  });

  test('an interrupted snapshot write (leftover temp file) is ignored and removed', async () => {
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 6, 1), hardState: hardState(1, 1, 6) }, true);
      await s.saveSnapshot(snapshotAt(3, 1));
    });
    const complete = await readFile(join(dir, 'snap', '0000000000000001-0000000000000003.snap'));
    const temp = join(dir, 'snap', '0000000000000001-0000000000000005.snap.tmp');
    await writeFile(temp, complete.subarray(0, complete.length - 4));
    const state = await reopen(dir);
    assert.deepEqual(state.snapshot, snapshotAt(3, 1));
    assert.deepEqual(state.entries, entries(4, 6, 1));
    assert.deepEqual(await snapNames(dir), ['0000000000000001-0000000000000003.snap']);
  });

  test('a damaged snapshot file is passed over for an older intact one', async () => {
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 6, 1), hardState: hardState(1, 1, 6) }, true);
      await s.saveSnapshot(snapshotAt(3, 1));
    });
    const good = await readFile(join(dir, 'snap', '0000000000000001-0000000000000003.snap'));
    const bad = Buffer.from(good);
    flipByte(bad, bad.length - 1, 0xff);
    await writeFile(join(dir, 'snap', '0000000000000001-0000000000000005.snap'), bad);
    const state = await reopen(dir);
    assert.deepEqual(state.snapshot, snapshotAt(3, 1));
    assert.deepEqual(state.entries, entries(4, 6, 1));
  });

  test('save refuses entries that would leave a gap', async () => {
    const dir = await freshDir();
    await withStorage(dir, async (s) => {
      await s.save({ entries: entries(1, 2, 1) }, true);
      await assert.rejects(s.save({ entries: [entry(4, 1)] }, true), RangeError);
      await assert.rejects(s.save({ entries: [entry(3, 1), entry(5, 1)] }, true), RangeError);
      await s.save({ entries: [entry(3, 1)] }, true);
    });
    assert.deepEqual((await reopen(dir)).entries, entries(1, 3, 1));
  });

  test('calls are queued: a snapshot issued during a save waits for it', async () => {
    const dir = await freshDir();
    await withStorage(
      dir,
      async (s) => {
        const work: Promise<void>[] = [];
        for (let i = 1; i <= 30; i++)
          work.push(s.save({ entries: [entry(i, 1)], hardState: hardState(1, 1, i) }, true));
        work.push(s.saveSnapshot(snapshotAt(25, 1)));
        await Promise.all(work);
      },
      100,
    );
    const state = await reopen(dir);
    assert.deepEqual(state.entries, entries(26, 30, 1));
  });

  test('using a storage before open or after close fails clearly', async () => {
    const s = new FileStorage(await freshDir());
    await assert.rejects(s.save({ entries: [] }, false), /not open/);
    await s.open();
    await s.close();
    await s.close();
    await assert.rejects(s.saveSnapshot(snapshotAt(1, 1)), /closed/);
  });
});
