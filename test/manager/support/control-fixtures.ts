import { ManualClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import type { ConfState, NodeId } from '../../../src/raft/core/types.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables } from '../../../src/store/tables.ts';
import { createRootCa } from '../../../src/manager/ca/root-ca.ts';
import { rngRandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import type { ControlDeps } from '../../../src/manager/controlapi/control-deps.ts';
import { initCluster } from '../../../src/manager/controlapi/swarm.ts';
import type { RaftView } from '../../../src/manager/membership/raft-view.ts';

/** One root CA for every test of a file (P-256 key generation is quick but not free). */
export const rootCa = await createRootCa({
  now: Date.UTC(2024, 0, 1),
  randomBytes: rngRandomBytes(new SeededRng(99)),
});

/** A proposer-less store over the cluster tables, on a ManualClock at 2024-01-01. */
export function clusterStore(): { store: MemoryStore; clock: ManualClock } {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  return { store: new MemoryStore({ tables: clusterTables }, { clock }), clock };
}

/** Control deps with seeded randomness. */
export function controlDeps(seed = 1, raft?: RaftView): ControlDeps {
  const randomBytes = rngRandomBytes(new SeededRng(seed));
  return raft ? { randomBytes, raft } : { randomBytes };
}

/** A store holding a fresh swarm whose first manager is `manager-1`, raft ID 1. */
export async function initializedStore(): Promise<{ store: MemoryStore; clock: ManualClock }> {
  const fixture = clusterStore();
  await initCluster(
    fixture.store,
    {
      nodeId: 'manager-1',
      raftId: 1,
      addr: '10.0.0.1:2377',
      rootCaCert: rootCa.certPem,
      description: { Hostname: 'alpha' },
    },
    controlDeps(),
  );
  return fixture;
}

/** A hand-made Raft view: `voters`, the set reachable, this manager and the leader. */
export function fakeRaftView(options: {
  readonly voters: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  readonly reachable: readonly NodeId[];
  readonly selfId?: NodeId;
  readonly leader?: NodeId;
}): RaftView {
  const confState: ConfState = { voters: options.voters, learners: options.learners ?? [] };
  const selfId = options.selfId ?? options.voters[0] ?? 1;
  return {
    selfId,
    leader: () => options.leader ?? selfId,
    confState: () => confState,
    reachable: (id) => options.reachable.includes(id),
  };
}

/** The rejection's `code` and `message`, failing if the promise resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { code: e.code ?? 'none', message: e.message ?? String(error) };
  }
  throw new Error('expected a rejection');
}
