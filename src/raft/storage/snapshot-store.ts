import { readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

import { DecodeError } from '../codec/index.ts';
import type { Snapshot } from '../core/types.ts';
import { syncDirectory, writeFileAtomic } from '../../base/atomic-file.ts';
import { openPayload, sealSnapshotRecord, snapshotContext } from './record-cipher.ts';
import type { RecordCipher } from './record-cipher.ts';
import { decodeSnapshotFile, encodeSnapshotFile } from './update-records.ts';
import { RecordType, readRecordAt } from './wal-record.ts';

const SNAP_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;
const TEMP_SUFFIX = '.tmp';

interface SnapshotFile {
  readonly name: string;
  readonly term: number;
  readonly index: number;
}

/**
 * Snapshot files in one directory, named `<term>-<index>.snap` (16 hex digits each) and
 * holding a single checksummed record. Files are written atomically: a temp file is written
 * and fsync'd, renamed into place, and the directory fsync'd; a leftover temp file from an
 * interrupted write is never read and is removed by {@link SnapshotStore.removeLeftovers}.
 * With a `cipher`, the record's payload is sealed and bound to the file's term and index; a
 * file that fails authentication counts as damaged.
 */
export class SnapshotStore {
  constructor(
    private readonly dir: string,
    private readonly cipher?: RecordCipher,
  ) {}

  /** Deletes temp files left by an interrupted {@link SnapshotStore.write}. */
  async removeLeftovers(): Promise<void> {
    const names = await readdir(this.dir);
    const temps = names.filter((n) => n.endsWith(TEMP_SUFFIX));
    for (const name of temps) await unlink(join(this.dir, name));
    if (temps.length > 0) await syncDirectory(this.dir);
  }

  /**
   * The snapshot with the highest index whose file is intact (checksums good, name and
   * content agree), or undefined. Damaged files are skipped in favour of older ones.
   */
  async loadNewest(): Promise<Snapshot | undefined> {
    const files = await this.list();
    files.sort((a, b) => b.index - a.index || b.term - a.term);
    for (const file of files) {
      const snapshot = await this.readIntact(file);
      if (snapshot) return snapshot;
    }
    return undefined;
  }

  /** Writes `snapshot` atomically; resolves once file and directory entry are durable. */
  async write(snapshot: Snapshot): Promise<void> {
    const { term, index } = snapshot.metadata;
    const plain = encodeSnapshotFile(snapshot);
    const bytes = this.cipher ? sealSnapshotRecord(plain, this.cipher, term, index) : plain;
    // The temp name writeFileAtomic uses ends in TEMP_SUFFIX, so removeLeftovers finds it.
    await writeFileAtomic(join(this.dir, fileName(term, index)), bytes);
  }

  /** Removes every snapshot file other than `keep` whose index is not above it. */
  async removeOlder(keep: Snapshot): Promise<void> {
    const { term, index } = keep.metadata;
    const doomed = (await this.list()).filter(
      (f) => f.index <= index && !(f.index === index && f.term === term),
    );
    for (const file of doomed) await unlink(join(this.dir, file.name));
    if (doomed.length > 0) await syncDirectory(this.dir);
  }

  private async list(): Promise<SnapshotFile[]> {
    const files: SnapshotFile[] = [];
    for (const name of await readdir(this.dir)) {
      const match = SNAP_NAME.exec(name);
      if (!match) continue;
      files.push({ name, term: parseInt(match[1]!, 16), index: parseInt(match[2]!, 16) });
    }
    return files;
  }

  private async readIntact(file: SnapshotFile): Promise<Snapshot | undefined> {
    const buf = await readFile(join(this.dir, file.name));
    const probe = readRecordAt(buf, 0);
    if (probe.kind !== 'intact' || probe.type !== RecordType.snapshot) return undefined;
    if (probe.end !== buf.length) return undefined;
    try {
      const payload = this.cipher
        ? openPayload(this.cipher, probe.payload, snapshotContext(file.term, file.index))
        : probe.payload;
      const snapshot = decodeSnapshotFile(payload);
      const { term, index } = snapshot.metadata;
      return term === file.term && index === file.index ? snapshot : undefined;
    } catch (err) {
      if (err instanceof DecodeError) return undefined;
      throw err;
    }
  }
}

function fileName(term: number, index: number): string {
  return `${hex16(term)}-${hex16(index)}.snap`;
}

/** Zero-padded so that names sort like the numbers they hold. */
function hex16(value: number): string {
  return value.toString(16).padStart(16, '0');
}
