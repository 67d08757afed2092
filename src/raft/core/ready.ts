import type { Raft } from './raft.ts';
import type { HardState, Ready, SoftState } from './types.ts';

/** True when the core has something for the shell since the previous Ready. */
export function readyWaiting(r: Raft, prevSoft: SoftState, prevHard: HardState): boolean {
  const log = r.log;
  return (
    !sameSoftState(r.softState(), prevSoft) ||
    !sameHardState(r.hardState(), prevHard) ||
    log.unstable.snapshot !== undefined ||
    log.unstable.entries.length > 0 ||
    r.msgs.length > 0 ||
    r.readStates.length > 0 ||
    log.hasNextCommittedEntries()
  );
}

/**
 * Assembles a Ready from `r`'s pending output, comparing soft and hard state with the
 * previous Ready's. Does not clear anything: {@link RaftCore.ready} does.
 */
export function readyFrom(r: Raft, prevSoft: SoftState, prevHard: HardState): Ready {
  const soft = r.softState();
  const hard = r.hardState();
  const entries = r.log.unstableEntries();
  const rd: {
    -readonly [K in keyof Ready]: Ready[K];
  } = {
    entries,
    committedEntries: r.log.nextCommittedEntries(),
    messages: r.msgs,
    readStates: r.readStates,
    // A snapshot also replaces log entries that acknowledgements may be built on.
    mustSync:
      entries.length > 0 ||
      r.log.unstable.snapshot !== undefined ||
      hard.term !== prevHard.term ||
      hard.vote !== prevHard.vote,
  };
  if (!sameSoftState(soft, prevSoft)) rd.softState = soft;
  if (!sameHardState(hard, prevHard)) rd.hardState = hard;
  const snapshot = r.log.unstable.snapshot;
  if (snapshot !== undefined) rd.snapshot = snapshot;
  return rd;
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
