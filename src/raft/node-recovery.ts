import { encodeConfChange } from './core/conf-change-codec.ts';
import { MemoryStorage } from './core/memory-storage.ts';
import type { Entry, NodeId } from './core/types.ts';
import type { RaftStorage, RecoveredState } from './storage/types.ts';

/**
 * On an empty data dir with founding `voters`, writes the founding membership as committed
 * `addVoter` entries at indexes 1..n of term 1 (fsync'd) and returns the state as if it
 * had been recovered. Every founder writes the same entries, and a member added later
 * learns the founders by replication like any other entry. Otherwise returns `recovered`.
 */
export async function bootstrapIfEmpty(
  storage: RaftStorage,
  recovered: RecoveredState,
  voters: readonly NodeId[],
): Promise<RecoveredState> {
  const empty =
    !recovered.snapshot && recovered.entries.length === 0 && recovered.hardState.term === 0;
  if (!empty || voters.length === 0) return recovered;
  const entries: Entry[] = voters.map((nodeId, i) => ({
    term: 1,
    index: i + 1,
    type: 'confChange',
    data: encodeConfChange({ type: 'addVoter', nodeId }),
  }));
  const hardState = { term: 1, vote: 0, commit: entries.length };
  await storage.save({ entries, hardState }, true);
  return { hardState, snapshot: undefined, entries };
}

/**
 * The core's MemoryStorage rebuilt from what was on disk: the snapshot (its membership is
 * the starting one), the entries after it and the hard state.
 */
export function memoryStorageFrom(recovered: RecoveredState): MemoryStorage {
  const snapshot = recovered.snapshot;
  const memory = new MemoryStorage(snapshot?.metadata.confState);
  if (snapshot && snapshot.metadata.index > 0) memory.applySnapshot(snapshot);
  memory.append(recovered.entries);
  memory.setHardState(recovered.hardState);
  return memory;
}
