import assert from 'node:assert/strict';

import type { RecoveredState } from '../../../../src/raft/storage/types.ts';
import { crashEntryData, crashSnapshot } from './storage-crash-protocol.ts';
import type { CrashLine } from './storage-crash-protocol.ts';

/**
 * What the parent of the storage crash child knows must be on disk: the log as of the last
 * durable line, every committed entry acknowledged so far, and the newest leader snapshot.
 */
export class DurableLogModel {
  /** The index just before `terms[0]`. */
  private base = 0;
  private terms: number[] = [];
  private commit = 0;
  private leaderSnapIndex = 0;
  /** Acknowledged committed entries not yet folded into a leader's snapshot: index → term. */
  private readonly committed = new Map<number, number>();
  private pending: CrashLine[] = [];

  /** Committed entries checked by {@link DurableLogModel.verify} so far. */
  verifiedEntries = 0;

  /** Feeds one line printed by the child, in order. */
  observe(line: CrashLine): void {
    if (line.kind === 'write') {
      this.pending.push(line);
      return;
    }
    for (const earlier of this.pending) this.apply(earlier);
    this.pending = [];
    this.apply(line);
  }

  /**
   * Asserts that `recovered` holds everything acknowledged and is self-consistent: the log
   * contiguous after the snapshot, terms never decreasing, every datum what the child wrote.
   */
  verify(recovered: RecoveredState): void {
    const snap = recovered.snapshot;
    const snapIndex = snap?.metadata.index ?? 0;
    if (snap)
      assert.deepEqual(snap, crashSnapshot(snapIndex, snap.metadata.term), 'snapshot content');
    assert.ok(
      snapIndex >= this.leaderSnapIndex,
      `leader snapshot ${this.leaderSnapIndex} was lost`,
    );
    let prevTerm = snap?.metadata.term ?? 0;
    for (const [k, e] of recovered.entries.entries()) {
      assert.equal(e.index, snapIndex + 1 + k, 'log indexes are contiguous after the snapshot');
      assert.ok(e.term >= prevTerm, `term ${e.term} at ${e.index} follows term ${prevTerm}`);
      assert.deepEqual(e.data, crashEntryData(e.index, e.term), `data of entry ${e.index}`);
      prevTerm = e.term;
    }
    const lastIndex = snapIndex + recovered.entries.length;
    const hs = recovered.hardState;
    assert.ok(
      hs.commit >= this.commit,
      `commit ${hs.commit} is behind acknowledged ${this.commit}`,
    );
    assert.ok(hs.commit <= lastIndex, `commit ${hs.commit} is past the log's end ${lastIndex}`);
    assert.ok(hs.term >= prevTerm, `hard state term ${hs.term} is behind log term ${prevTerm}`);
    const snapTerm = this.committed.get(snapIndex);
    if (snap && snapTerm !== undefined) assert.equal(snap.metadata.term, snapTerm, 'snapshot term');
    for (const [index, term] of this.committed) {
      if (index <= snapIndex) continue;
      const e = recovered.entries[index - snapIndex - 1];
      assert.equal(e?.term, term, `acknowledged committed entry ${index} (term ${term})`);
      this.verifiedEntries++;
    }
  }

  /** Starts over from a verified recovery: the child resumes from exactly this state. */
  resetFrom(recovered: RecoveredState): void {
    this.pending = [];
    this.base = recovered.snapshot?.metadata.index ?? 0;
    this.terms = recovered.entries.map((e) => e.term);
    this.commit = recovered.hardState.commit;
    for (const index of this.committed.keys()) if (index <= this.base) this.committed.delete(index);
    for (let i = this.base + 1; i <= this.commit; i++) this.committed.set(i, this.termAt(i));
  }

  private apply(line: CrashLine): void {
    if (line.kind === 'snap') {
      this.base = this.commit = this.leaderSnapIndex = line.index;
      this.terms = [line.term];
      for (const index of this.committed.keys())
        if (index <= line.index) this.committed.delete(index);
      return;
    }
    assert.ok(line.first <= this.base + this.terms.length + 1, `gap before entry ${line.first}`);
    this.terms.length = line.first - this.base - 1;
    for (let i = 0; i < line.count; i++) this.terms.push(line.term);
    for (let i = this.commit + 1; i <= line.commit; i++) this.committed.set(i, this.termAt(i));
    this.commit = Math.max(this.commit, line.commit);
  }

  private termAt(index: number): number {
    const term = this.terms[index - this.base - 1];
    if (term === undefined) throw new Error(`model has no entry ${index} (base ${this.base})`);
    return term;
  }
}
