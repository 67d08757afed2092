import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { openPayload, walRecordContext } from './record-cipher.ts';
import type { RecordCipher } from './record-cipher.ts';
import { listSegments } from './segment-files.ts';
import type { SegmentFile } from './segment-files.ts';
import { scanSegment } from './segment-scan.ts';
import { WalReplay } from './wal-replay.ts';
import type { PayloadOpener, ReplayedLog, SegmentSummary } from './wal-replay.ts';

/** A segment found on disk with what replay learned from it. */
export type RecoveredSegment = SegmentFile & SegmentSummary;

/** The WAL directory as recovered: the replayed log and the surviving segments. */
export interface WalRecovery {
  readonly log: ReplayedLog;
  /** Oldest first; empty on a fresh directory. */
  readonly segments: readonly RecoveredSegment[];
  /** Length of the final segment once any torn tail is cut off. */
  readonly finalSize: number;
}

/**
 * Reads and replays every segment in `dir`. A torn tail of the final segment is truncated
 * away on disk (ftruncate, then fsync) before this resolves; any other damage rejects with
 * the CorruptLogError of {@link scanSegment} or {@link WalReplay}, and nothing is changed.
 * With a `cipher`, payloads are opened with it; one that fails authentication is corruption.
 */
export async function recoverWal(dir: string, cipher?: RecordCipher): Promise<WalRecovery> {
  const files = await listSegments(dir);
  const replay = new WalReplay();
  const segments: RecoveredSegment[] = [];
  let finalSize = 0;
  for (const [i, file] of files.entries()) {
    const path = join(dir, file.name);
    const isFinal = i === files.length - 1;
    const buf = await readFile(path);
    const scan = scanSegment(buf, path, isFinal);
    const opener = cipher ? segmentOpener(cipher, file.seq) : undefined;
    segments.push({ ...file, ...replay.replaySegment(path, scan.records, opener) });
    if (isFinal) {
      finalSize = scan.validEnd;
      if (scan.validEnd < buf.length) await truncateFile(path, scan.validEnd);
    }
  }
  return { log: replay.result(), segments, finalSize };
}

function segmentOpener(cipher: RecordCipher, seq: number): PayloadOpener {
  return (record, offset) =>
    openPayload(cipher, record.payload, walRecordContext(record.type, seq, offset));
}

async function truncateFile(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
