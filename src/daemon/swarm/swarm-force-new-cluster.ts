import type { Clock } from '../../base/clock.ts';
import { ManagerKeyring } from '../../manager/keys/manager-keyring.ts';
import type { RecordCipher } from '../../raft/storage/record-cipher.ts';
import { clusterTables, raftMembers } from '../../store/tables.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { envelopePayload } from '../../raft/proposal-envelope.ts';
import type { HardState, NodeId, Snapshot } from '../../raft/core/types.ts';
import { FileStorage } from '../../raft/storage/file-storage.ts';
import type { RecoveredState } from '../../raft/storage/types.ts';
import type { SwarmMembership } from '../node-state.ts';
import { loadMemberRecord } from './manager-runtime.ts';
import type { ManagerRuntime } from './manager-runtime.ts';
import { resumeSwarm } from './swarm-start.ts';
import type { StartedManager, SwarmStartContext } from './swarm-start.ts';

/** What {@link soleMemberSnapshot} makes of a surviving manager's Raft state. */
export interface SoleMemberState {
  /** A snapshot of everything committed, with `self` as the only voter. */
  readonly snapshot: Snapshot;
  /** The hard state to persist with it: same term and vote, commit at the snapshot. */
  readonly hardState: HardState;
  /** The raft IDs of the members recorded as removed (every other member not removed before). */
  readonly removed: readonly NodeId[];
}

/**
 * The state of a new single-member cluster built from `recovered`, a manager's Raft state on
 * disk (swarmkit's force-new-cluster): the store is rebuilt from the snapshot and the
 * committed entries, every other Raft member is marked `Removed` in it (so its raft ID is
 * never reused and the membership reconciler never re-admits it), and the result becomes a
 * snapshot at one past the last index whose membership is `self` alone. Entries after the
 * commit index are discarded: they never reached a quorum and never answered their callers.
 * `clock` stamps the removal. Pure apart from the clock reading; throws when `recovered`
 * holds no committed state or does not name `self` as a member.
 */
export async function soleMemberSnapshot(
  recovered: RecoveredState,
  self: NodeId,
  clock: Clock,
): Promise<SoleMemberState> {
  const store = new MemoryStore({ tables: clusterTables }, { clock });
  const snapshot = recovered.snapshot;
  if (snapshot !== undefined && snapshot.metadata.index > 0) store.restore(snapshot.data);
  const commit = recovered.hardState.commit;
  for (const entry of recovered.entries) {
    if (entry.index > commit) break;
    // Conf changes need no replay: the new membership is decided below, whatever they said.
    if (entry.type === 'normal' && entry.data.length > 0) {
      store.apply(envelopePayload(entry.data), entry.index);
    }
  }
  const members = store.all(raftMembers).filter((m) => m.Removed !== true);
  if (!members.some((m) => m.RaftID === self)) {
    throw new Error(
      `the Raft state on disk does not list this manager (raft ID ${self}) as a member`,
    );
  }
  const others = members.filter((m) => m.RaftID !== self);
  const lastIndex = Math.max(
    recovered.entries[recovered.entries.length - 1]?.index ?? 0,
    snapshot?.metadata.index ?? 0,
  );
  // Without a proposer the store applies this at its next index, at most lastIndex + 1.
  await store.update((tx) => {
    for (const member of others) tx.update(raftMembers, { ...member, Removed: true });
  });
  const index = lastIndex + 1;
  // The hard state's term is at least every entry's term, so the snapshot sorts after them.
  const term = recovered.hardState.term;
  return {
    snapshot: {
      metadata: { index, term, confState: { voters: [self], learners: [] } },
      data: store.snapshot(),
    },
    hardState: { term, vote: recovered.hardState.vote, commit: index },
    removed: others.map((m) => m.RaftID),
  };
}

/**
 * Rewrites the Raft directory `raftDir` of a stopped manager so that it restarts as the only
 * member of its cluster (see {@link soleMemberSnapshot}); the snapshot is written and fsync'd
 * before this resolves, and the WAL it covers is compacted away. `cipher` is the manager's
 * data key, as its running storage had it. Returns the removed raft IDs.
 */
export async function rewriteAsSoleMember(
  raftDir: string,
  self: NodeId,
  clock: Clock,
  cipher: RecordCipher | undefined,
): Promise<readonly NodeId[]> {
  const storage = new FileStorage(raftDir, cipher === undefined ? {} : { cipher });
  try {
    const recovered = await storage.open();
    const state = await soleMemberSnapshot(recovered, self, clock);
    await storage.save({ snapshot: state.snapshot, entries: [], hardState: state.hardState }, true);
    return state.removed;
  } finally {
    await storage.close();
  }
}

/**
 * `swarm init --force-new-cluster` on a manager whose swarm lost quorum. The caller has
 * stopped this node's manager and agent. Rewrites its Raft state to a single-member cluster
 * (all objects, IDs, tokens and certificates kept; the other managers removed from Raft for
 * good), restarts the manager on it, makes it campaign at once and waits for it to lead.
 * `unlockKey` is the cluster's, when autolock seals the manager keys (read it from the store
 * before stopping the manager). Resolves with the running manager and the membership to record
 * (this manager as the only one the agent dials). On failure the manager started here is
 * stopped; the rewritten state stays, so a retry, or a plain daemon restart, comes back as the
 * single manager.
 */
export async function forceNewCluster(
  membership: SwarmMembership,
  ctx: SwarmStartContext,
  unlockKey: string | undefined,
): Promise<StartedManager> {
  const record = await loadMemberRecord(ctx.layout.raft);
  const keys = await ManagerKeyring.open(ctx.layout.certificates, unlockKey, ctx);
  const removed = await rewriteAsSoleMember(ctx.layout.raft, record.raftId, ctx.clock, keys.cipher);
  ctx.logger.warn('forcing a new cluster: removed the other managers from Raft', {
    raftId: record.raftId,
    removed: removed.join(','),
  });
  const runtime: ManagerRuntime = await resumeSwarm(membership, ctx, unlockKey);
  try {
    // The only voter: no need to wait out an election timeout.
    runtime.manager.raft.campaign();
    await runtime.waitForLeadership(ctx.clock, ctx.leaderTimeoutMs);
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return { runtime, membership: { ...membership, managers: [membership.advertiseAddr] } };
}
