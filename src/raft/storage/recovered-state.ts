import type { Entry, HardState, Snapshot } from '../core/types.ts';
import { CorruptLogError } from './types.ts';
import type { RecoveredState } from './types.ts';
import type { ReplayedLog } from './wal-replay.ts';

/** A recovered state, and whether the WAL must be told about its snapshot. */
export interface AssembledState {
  readonly state: RecoveredState;
  /**
   * True when the WAL does not continue from the snapshot (its log ends before the snapshot,
   * or conflicts with it): a snapshot marker must be appended before any new entry, or the
   * next replay would find a gap or resurrect the conflicting suffix.
   */
  readonly needsMarker: boolean;
}

/**
 * Joins the newest intact snapshot with the replayed WAL into what a node starts from.
 *
 * - Entries at or below the snapshot's index are dropped. If the WAL holds an entry at that
 *   index with another term, the snapshot came from a leader and the crash fell between the
 *   snapshot file and its WAL records: the WAL's suffix conflicts with it and is dropped too.
 * - The hard state is made self-consistent: its term is raised to the last term on record
 *   (snapshot or log; a torn write can keep entries and lose the hard state after them),
 *   clearing the vote when raised, and its commit is kept within [snapshot index, last index].
 * - Throws {@link CorruptLogError} when the WAL cannot continue the snapshot: a marker newer
 *   than the snapshot (its file lost or damaged), or a gap between snapshot and entries.
 */
export function assembleRecoveredState(
  log: ReplayedLog,
  snapshot: Snapshot | undefined,
  walDir: string,
): AssembledState {
  const snapIndex = snapshot?.metadata.index ?? 0;
  const marker = log.marker;
  if (marker && marker.metadata.index > snapIndex) {
    throw new CorruptLogError(
      marker.file,
      marker.offset,
      `snapshot marker at index ${marker.metadata.index} has no intact snapshot file (newest is ${snapIndex})`,
    );
  }
  const entries = entriesAfterSnapshot(log.entries, snapshot);
  const first = entries[0];
  if (first && first.index !== snapIndex + 1) {
    throw new CorruptLogError(
      walDir,
      0,
      `the log resumes at index ${first.index} but the newest intact snapshot ends at ${snapIndex}`,
    );
  }
  const lastIndex = entries[entries.length - 1]?.index ?? snapIndex;
  const lastTerm = entries[entries.length - 1]?.term ?? snapshot?.metadata.term ?? 0;
  const hardState = normalizeHardState(log.hardState, lastTerm, snapIndex, lastIndex);
  return { state: { hardState, snapshot, entries }, needsMarker: !continuesFrom(log, snapshot) };
}

function continuesFrom(log: ReplayedLog, snapshot: Snapshot | undefined): boolean {
  if (!snapshot) return true;
  const { index, term } = snapshot.metadata;
  const head = log.entries[0];
  if (!head) return log.marker === undefined || log.marker.metadata.index === index;
  if (head.index === index + 1) return true;
  return log.entries[index - head.index]?.term === term;
}

function entriesAfterSnapshot(log: readonly Entry[], snapshot: Snapshot | undefined): Entry[] {
  const head = log[0];
  if (!head) return [];
  if (!snapshot) return [...log];
  const { index, term } = snapshot.metadata;
  const atSnapshot = log[index - head.index];
  if (atSnapshot && atSnapshot.term !== term) return [];
  return log.slice(Math.max(0, index + 1 - head.index));
}

function normalizeHardState(
  stored: HardState | undefined,
  lastTerm: number,
  snapIndex: number,
  lastIndex: number,
): HardState {
  const hs = stored ?? { term: 0, vote: 0, commit: 0 };
  const commit = Math.min(Math.max(hs.commit, snapIndex), lastIndex);
  if (hs.term < lastTerm) return { term: lastTerm, vote: 0, commit };
  return { term: hs.term, vote: hs.vote, commit };
}
