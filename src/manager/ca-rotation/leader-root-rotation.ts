import type { NodeId } from '../../raft/core/types.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { RootRotator } from './root-rotator.ts';
import type { RootRotatorOptions } from './root-rotator.ts';

/** What {@link runRootRotationOnLeader} follows; a `Manager` fits. */
export interface RotationLeadershipHost {
  readonly store: MemoryStore;
  readonly raft: {
    leader(): NodeId;
    onLeaderChange(listener: (leader: NodeId) => void): () => void;
  };
  readonly raftView: { readonly selfId: NodeId };
}

/** A running {@link runRootRotationOnLeader}. */
export interface LeaderRootRotation {
  /** The rotator, running while this manager leads (tests). */
  readonly rotator: RootRotator;
  /** Stops following leadership and the rotator. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs a {@link RootRotator} on `host` while its Raft node leads: started now if it leads,
 * then started and stopped on every leader change. Two leaders for a moment (an old one that
 * has not heard of the new term) do no harm: the rotator's writes are versioned transactions
 * re-planned on the data they write, so the second of two equal decisions writes nothing.
 */
export function runRootRotationOnLeader(
  host: RotationLeadershipHost,
  options: Omit<RootRotatorOptions, 'store'>,
): LeaderRootRotation {
  const rotator = new RootRotator({ ...options, store: host.store });
  const follow = (leader: NodeId): void => {
    if (leader === host.raftView.selfId) rotator.start();
    else void rotator.stop();
  };
  const unsubscribe = host.raft.onLeaderChange(follow);
  follow(host.raft.leader());
  return {
    rotator,
    stop: () => {
      unsubscribe();
      return rotator.stop();
    },
  };
}
