import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import fc from 'fast-check';

import type { Entry, HardState, Snapshot } from '../../../src/raft/core/types.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import type { DurableUpdate } from '../../../src/raft/storage/types.ts';
import { entry, makeTempDir, removeDir, snapshotAt } from './support/storage-fixtures.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await removeDir(dir);
});

type OpKind = 'append' | 'commit' | 'snapshot' | 'leaderSnapshot' | 'reopen';
type Op = readonly [OpKind, number, number, boolean];

/**
 * The naive oracle: the whole log in an array (index i at position i - 1, entries at or
 * below the snapshot kept but ignored), the hard state and the newest snapshot.
 */
class Model {
  log: Entry[] = [];
  term = 1;
  commit = 0;
  snapshot: Snapshot | undefined;

  get lastIndex(): number {
    return this.log.length;
  }

  get snapIndex(): number {
    return this.snapshot?.metadata.index ?? 0;
  }

  hardState(): HardState {
    return { term: this.term, vote: 1, commit: this.commit };
  }

  /** Turns an op into the update it stands for, applying it to the model. */
  plan(kind: OpKind, a: number, b: number): DurableUpdate | Snapshot | undefined {
    switch (kind) {
      case 'append': {
        // Raft overwrites only uncommitted entries, and may start a new term while doing so.
        const start = this.commit + 1 + (a % (this.lastIndex - this.commit + 1));
        this.term += b % 3 === 0 ? 1 : 0;
        const added: Entry[] = [];
        for (let i = 0; i <= b % 4; i++) added.push(entry(start + i, this.term, `v${a}-${b}-${i}`));
        this.log = [...this.log.slice(0, start - 1), ...added];
        return { entries: added, hardState: this.hardState() };
      }
      case 'commit':
        this.commit += a % (this.lastIndex - this.commit + 1);
        return { entries: [], hardState: this.hardState() };
      case 'snapshot': {
        if (this.commit <= this.snapIndex) return undefined;
        const index = this.snapIndex + 1 + (a % (this.commit - this.snapIndex));
        this.snapshot = snapshotAt(index, this.log[index - 1]!.term, `img${a}`);
        return this.snapshot;
      }
      case 'leaderSnapshot': {
        const index = this.lastIndex + 1 + (a % 5);
        this.term += 1;
        this.snapshot = snapshotAt(index, this.term, `leader${a}`);
        this.log = [];
        for (let i = 1; i <= index; i++) this.log.push(entry(i, 0, 'compacted'));
        const added = [entry(index + 1, this.term, `after${b}`)];
        this.log.push(...added);
        this.commit = index;
        return { snapshot: this.snapshot, entries: added, hardState: this.hardState() };
      }
      case 'reopen':
        return undefined;
    }
  }

  expected(): { hardState: HardState; snapshot: Snapshot | undefined; entries: Entry[] } {
    return {
      hardState: this.hardState(),
      snapshot: this.snapshot,
      entries: this.log.slice(this.snapIndex),
    };
  }
}

const opArb: fc.Arbitrary<Op> = fc.tuple(
  fc.constantFrom<OpKind>(
    'append',
    'append',
    'append',
    'commit',
    'snapshot',
    'leaderSnapshot',
    'reopen',
  ),
  fc.nat(1000),
  fc.nat(1000),
  fc.boolean(),
);

test('FileStorage recovers what a naive model of the log holds, across random histories', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 60, max: 600 }),
      async (ops, segmentBytes) => {
        const dir = await makeTempDir();
        dirs.push(dir);
        const model = new Model();
        let storage = new FileStorage(dir, { segmentBytes });
        await storage.open();
        await storage.save({ entries: [], hardState: model.hardState() }, true);
        try {
          for (const [kind, a, b, sync] of ops) {
            if (kind === 'reopen') {
              await storage.close();
              storage = new FileStorage(dir, { segmentBytes });
              assert.deepEqual(await storage.open(), model.expected());
              continue;
            }
            const planned = model.plan(kind, a, b);
            if (planned === undefined) continue;
            if ('metadata' in planned) await storage.saveSnapshot(planned);
            else await storage.save(planned, sync);
          }
        } finally {
          await storage.close();
        }
        const final = new FileStorage(dir, { segmentBytes });
        assert.deepEqual(await final.open(), model.expected());
        await final.close();
        await removeDir(dir);
      },
    ),
    { numRuns: 40 },
  );
});
