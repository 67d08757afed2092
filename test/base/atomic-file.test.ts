import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/base/atomic-file.ts';

test('writeFileAtomic replaces the file whole, private by default, leaving no temp files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-atomic-'));
  try {
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, '{"a":1}');
    await writeFileAtomic(path, '{"a":2}');
    assert.equal(await readFile(path, 'utf8'), '{"a":2}');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['state.json']);
    await writeFileAtomic(join(dir, 'public'), new Uint8Array([1, 2]), 0o644);
    assert.equal((await stat(join(dir, 'public'))).mode & 0o777, 0o644);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeFileAtomic leaves what was there and no temp file when the rename fails', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-atomic-'));
  try {
    // A non-empty directory in the way makes the rename fail after the temp file was written.
    const target = join(dir, 'occupied');
    await mkdir(join(target, 'sub'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'new'));
    assert.deepEqual(await readdir(dir), ['occupied']);
    assert.deepEqual(await readdir(target), ['sub']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
