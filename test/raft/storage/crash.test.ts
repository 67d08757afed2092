import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { SeededRng } from '../../../src/base/rng.ts';
import { envelopePayload } from '../../../src/raft/proposal-envelope.ts';
import type { RecoveredState } from '../../../src/raft/storage/types.ts';
import { killAllCrashChildren, pause, spawnCrashChild } from './support/crash-harness.ts';
import { recoverFrom, tempDirsRemovedAfter } from './support/storage-fixtures.ts';

const SEED = Number(process.env['SHOAL_CRASH_SEED'] ?? 1789);
const ROUNDS = 10;
const CHILD = 'test/raft/storage/support/node-crash-child.ts';
const decoder = new TextDecoder();

// Children die before their dirs go: this hook is registered first, so it runs first.
after(killAllCrashChildren);
const freshDir = tempDirsRemovedAfter();

/**
 * Asserts the log is consistent (contiguous after the snapshot, terms never decreasing) and
 * holds every acknowledged payload at its index, in the snapshot image or in the log.
 */
function verify(
  recovered: RecoveredState,
  acked: ReadonlyMap<number, string>,
  lastAcked: number,
): void {
  const snap = recovered.snapshot;
  const snapIndex = snap?.metadata.index ?? 0;
  const image = new Map(snap ? (JSON.parse(decoder.decode(snap.data)) as [number, string][]) : []);
  let prevTerm = snap?.metadata.term ?? 0;
  for (const [k, e] of recovered.entries.entries()) {
    assert.equal(e.index, snapIndex + 1 + k, 'log indexes are contiguous after the snapshot');
    assert.ok(e.term >= prevTerm, `term ${e.term} at index ${e.index} follows term ${prevTerm}`);
    prevTerm = e.term;
  }
  assert.ok(recovered.hardState.term >= prevTerm, 'hard state term is behind the log');
  for (const [index, payload] of acked) {
    if (index <= snapIndex) {
      assert.equal(image.get(index), payload, `acknowledged entry ${index} in the snapshot image`);
      continue;
    }
    const e = recovered.entries[index - snapIndex - 1];
    assert.ok(e && e.type === 'normal', `acknowledged entry ${index} is in the log`);
    assert.equal(decoder.decode(envelopePayload(e.data)), payload, `payload of entry ${index}`);
  }
  assert.ok(recovered.hardState.commit >= lastAcked, 'commit covers every acknowledged entry');
}

test('RaftNode on FileStorage keeps every acknowledged proposal across SIGKILLs', async () => {
  const rng = new SeededRng(SEED);
  const dir = await freshDir();
  const acked = new Map<number, string>();
  let lastAcked = 0;
  const replay = `replay: SHOAL_CRASH_SEED=${SEED} npm test -- test/raft/storage/crash`;
  for (let round = 0; round < ROUNDS; round++) {
    const child = spawnCrashChild(CHILD, [dir, String(SEED + round), String(round)]);
    const ready = await child.waitForLine((line) => line.startsWith('ready '), 20_000);
    assert.ok(
      Number(ready.split(' ')[1]) >= lastAcked,
      `round ${round} restarted behind ${lastAcked}`,
    );
    await pause(50 + rng.int(500));
    await child.kill();
    for (const line of child.lines) {
      const [kind, index, payload] = line.split(' ');
      if (kind !== 'ack' || index === undefined || payload === undefined) continue;
      const previous = acked.get(Number(index));
      assert.ok(
        previous === undefined,
        `index ${index} acknowledged twice (${previous}, ${payload})`,
      );
      acked.set(Number(index), payload);
      lastAcked = Math.max(lastAcked, Number(index));
    }
    try {
      verify(await recoverFrom(dir), acked, lastAcked);
    } catch (error) {
      throw new Error(`round ${round}: ${(error as Error).message}\n${replay}`, { cause: error });
    }
  }
  assert.ok(acked.size > ROUNDS, `only ${acked.size} proposals were acknowledged`);
});
