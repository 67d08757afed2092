import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { SeededRng } from '../../../src/base/rng.ts';
import { killAllCrashChildren, pause, spawnCrashChild } from './support/crash-harness.ts';
import { DurableLogModel } from './support/storage-crash-model.ts';
import { parseCrashLine } from './support/storage-crash-protocol.ts';
import { recoverFrom, tempDirsRemovedAfter } from './support/storage-fixtures.ts';

const SEED = Number(process.env['SHOAL_CRASH_SEED'] ?? 20240611);
const ROUNDS = 6;
const CHILD = 'test/raft/storage/support/storage-crash-child.ts';

// Children die before their dirs go: this hook is registered first, so it runs first.
after(killAllCrashChildren);
const freshDir = tempDirsRemovedAfter();

test('FileStorage keeps every acknowledged save across SIGKILLs at random moments', async () => {
  const rng = new SeededRng(SEED);
  const dir = await freshDir();
  const model = new DurableLogModel();
  const replay = `replay: SHOAL_CRASH_SEED=${SEED} npm test -- test/raft/storage/storage-crash`;
  for (let round = 0; round < ROUNDS; round++) {
    const child = spawnCrashChild(CHILD, [dir, String(SEED + round)]);
    await child.waitForLine((line) => line === 'ready', 20_000);
    await pause(50 + rng.int(400));
    await child.kill();
    for (const text of child.lines) {
      const line = parseCrashLine(text);
      if (line) model.observe(line);
    }
    const recovered = await recoverFrom(dir);
    try {
      model.verify(recovered);
    } catch (error) {
      throw new Error(`round ${round}: ${(error as Error).message}\n${replay}`, { cause: error });
    }
    model.resetFrom(recovered);
  }
  assert.ok(model.verifiedEntries > 0, 'the children acknowledged committed entries');
});
