import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { DecodeError } from '../../../src/raft/codec/index.ts';
import { AesGcmCipher } from '../../../src/raft/storage/aes-gcm-cipher.ts';
import {
  openPayload,
  sealSnapshotRecord,
  sealWalRecords,
  snapshotContext,
  walRecordContext,
} from '../../../src/raft/storage/record-cipher.ts';
import { decodeEntries, decodeHardState } from '../../../src/raft/storage/update-records.ts';
import { encodeSnapshotFile, encodeUpdate } from '../../../src/raft/storage/update-records.ts';
import { RecordType, readRecordAt } from '../../../src/raft/storage/wal-record.ts';
import type { IntactRecord } from '../../../src/raft/storage/wal-record.ts';
import { entries, hardState, snapshotAt } from './support/storage-fixtures.ts';

const cipher = new AesGcmCipher(Buffer.alloc(32, 1), 'k1');

function records(buf: Buffer): { record: IntactRecord; offset: number }[] {
  const out: { record: IntactRecord; offset: number }[] = [];
  for (let at = 0; at < buf.length;) {
    const probe = readRecordAt(buf, at);
    assert.equal(probe.kind, 'intact', `record at ${at}`);
    if (probe.kind !== 'intact') break;
    out.push({ record: probe, offset: at });
    at = probe.end;
  }
  return out;
}

describe('sealWalRecords', () => {
  const plain = encodeUpdate({ entries: entries(1, 3, 2), hardState: hardState(2, 1, 3) });
  const base = 100;
  const sealed = sealWalRecords(Buffer.from(plain), cipher, 7, base);

  test('keeps one checksummed record per plaintext record, of the same types', () => {
    const found = records(sealed);
    assert.deepEqual(
      found.map((r) => r.record.type),
      [RecordType.entries, RecordType.hardState],
    );
  });

  test('each payload opens at its own segment and offset', () => {
    const [ents, hs] = records(sealed);
    const at = (r: { record: IntactRecord; offset: number }, seq: number, offset: number): Buffer =>
      openPayload(cipher, r.record.payload, walRecordContext(r.record.type, seq, offset));
    assert.deepEqual(decodeEntries(at(ents!, 7, base + ents!.offset)), entries(1, 3, 2));
    assert.deepEqual(decodeHardState(at(hs!, 7, base + hs!.offset)), hardState(2, 1, 3));
  });

  test('a payload moved to another offset, segment or type does not open', () => {
    const [ents] = records(sealed);
    const payload = ents!.record.payload;
    const tries = [
      walRecordContext(RecordType.entries, 7, base + 1),
      walRecordContext(RecordType.entries, 8, base),
      walRecordContext(RecordType.hardState, 7, base),
    ];
    for (const ad of tries) assert.throws(() => openPayload(cipher, payload, ad), DecodeError);
  });
});

describe('sealSnapshotRecord', () => {
  test('opens only under the term and index it was sealed for', () => {
    const snap = snapshotAt(9, 3, 'image');
    const sealed = sealSnapshotRecord(encodeSnapshotFile(snap), cipher, 3, 9);
    const probe = readRecordAt(sealed, 0);
    assert.equal(probe.kind, 'intact');
    if (probe.kind !== 'intact') return;
    assert.equal(probe.type, RecordType.snapshot);
    assert.equal(probe.end, sealed.length);
    assert.doesNotThrow(() => openPayload(cipher, probe.payload, snapshotContext(3, 9)));
    assert.throws(() => openPayload(cipher, probe.payload, snapshotContext(3, 10)), DecodeError);
    assert.throws(() => openPayload(cipher, probe.payload, snapshotContext(4, 9)), DecodeError);
  });
});
