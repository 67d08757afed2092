import { after } from 'node:test';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Entry, HardState, Snapshot } from '../../../../src/raft/core/types.ts';
import { FileStorage } from '../../../../src/raft/storage/file-storage.ts';
import type { FileStorageOptions } from '../../../../src/raft/storage/file-storage.ts';
import type { RecoveredState } from '../../../../src/raft/storage/types.ts';

const encoder = new TextEncoder();

/** A fresh directory under the OS temp dir; remove it with {@link removeDir}. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'shoal-storage-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Call once at a test file's top level: returns a maker of fresh temp dirs, all removed when
 * the file's tests end. Register hooks that must run first (killing children) before it.
 */
export function tempDirsRemovedAfter(): () => Promise<string> {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await removeDir(dir);
  });
  return async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    return dir;
  };
}

/** What a FileStorage over `dir` recovers on open; the storage is closed again. */
export async function recoverFrom(
  dir: string,
  options?: FileStorageOptions,
): Promise<RecoveredState> {
  const storage = new FileStorage(dir, options);
  try {
    return await storage.open();
  } finally {
    await storage.close();
  }
}

/** A normal entry whose data names its index and term, so mix-ups show in diffs. */
export function entry(index: number, term: number, text = `e${index}t${term}`): Entry {
  return { index, term, type: 'normal', data: encoder.encode(text) };
}

/** Entries `from..to` inclusive, all in `term`. */
export function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

export function hardState(term: number, vote: number, commit: number): HardState {
  return { term, vote, commit };
}

export function snapshotAt(index: number, term: number, text = `image@${index}`): Snapshot {
  return {
    metadata: { index, term, confState: { voters: [1, 2, 3], learners: [] } },
    data: encoder.encode(text),
  };
}

/** WAL segment file names in `dir`, oldest first. */
export async function segmentNames(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'wal'))).filter((n) => n.endsWith('.wal')).sort();
}

/** Snapshot directory entries in `dir`, sorted. */
export async function snapNames(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'snap'))).sort();
}

/** The path of the newest WAL segment. */
export async function lastSegmentPath(dir: string): Promise<string> {
  const names = await segmentNames(dir);
  const last = names[names.length - 1];
  if (last === undefined) throw new Error(`no segment in ${dir}`);
  return join(dir, 'wal', last);
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** XORs the byte at `at` with `mask`, in place. */
export function flipByte(buf: Buffer, at: number, mask: number): void {
  buf.writeUInt8(buf.readUInt8(at) ^ mask, at);
}
