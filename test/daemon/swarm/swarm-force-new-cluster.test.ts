import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/base/clock.ts';
import { soleMemberSnapshot } from '../../../src/daemon/swarm/swarm-force-new-cluster.ts';
import { encodeConfChange } from '../../../src/raft/core/conf-change-codec.ts';
import type { Entry } from '../../../src/raft/core/types.ts';
import { wrapProposal } from '../../../src/raft/proposal-envelope.ts';
import type { RecoveredState } from '../../../src/raft/storage/types.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables, raftMembers } from '../../../src/store/tables.ts';

const origin = { origin: 1, incarnation: 7 };

/**
 * A manager's Raft log as a three-member cluster writes it: founding conf change, the three
 * member records, then `extra` transactions. Each transaction is one normal entry of term 2.
 */
async function loggedCluster(extra: number): Promise<Entry[]> {
  const entries: Entry[] = [
    {
      term: 1,
      index: 1,
      type: 'confChange',
      data: encodeConfChange({ type: 'addVoter', nodeId: 1 }),
    },
  ];
  const store = new MemoryStore(
    {
      tables: clusterTables,
      proposer: {
        propose: (payload) => {
          const index = entries.length + 1;
          entries.push({
            term: 2,
            index,
            type: 'normal',
            data: wrapProposal(origin, index, payload),
          });
          store.apply(payload, index);
          return Promise.resolve(index);
        },
      },
    },
    { clock: new ManualClock(0) },
  );
  for (const [raftId, node] of [
    [1, 'node-a'],
    [2, 'node-b'],
    [3, 'node-c'],
  ] as const) {
    await store.update((tx) => {
      tx.create(raftMembers, {
        id: String(raftId),
        RaftID: raftId,
        NodeID: node,
        Addr: `10.0.0.${raftId}:2377`,
      });
    });
  }
  for (let i = 0; i < extra; i++) {
    await store.update((tx) => {
      tx.create(raftMembers, { id: `${10 + i}`, RaftID: 10 + i, NodeID: `late-${i}`, Addr: 'x:1' });
    });
  }
  return entries;
}

function restored(image: Uint8Array): MemoryStore {
  const store = new MemoryStore({ tables: clusterTables });
  store.restore(image);
  return store;
}

test('the survivor becomes the only voter, the others are recorded as removed, all state kept', async () => {
  const entries = await loggedCluster(0);
  const recovered: RecoveredState = {
    hardState: { term: 5, vote: 2, commit: entries.length },
    snapshot: undefined,
    entries,
  };
  const state = await soleMemberSnapshot(recovered, 1, new ManualClock(1_000));

  assert.deepEqual(state.snapshot.metadata.confState, { voters: [1], learners: [] });
  assert.equal(state.snapshot.metadata.index, entries.length + 1);
  assert.equal(state.snapshot.metadata.term, 5);
  assert.deepEqual(state.hardState, { term: 5, vote: 2, commit: entries.length + 1 });
  assert.deepEqual(state.removed, [2, 3]);
  const members = restored(state.snapshot.data).all(raftMembers);
  assert.deepEqual(
    members.map((m) => [m.RaftID, m.NodeID, m.Removed === true]),
    [
      [1, 'node-a', false],
      [2, 'node-b', true],
      [3, 'node-c', true],
    ],
  );
});

test('entries past the commit index are discarded, and the snapshot sorts after them', async () => {
  const entries = await loggedCluster(2);
  const commit = entries.length - 2;
  const recovered: RecoveredState = {
    hardState: { term: 2, vote: 1, commit },
    snapshot: undefined,
    entries,
  };
  const state = await soleMemberSnapshot(recovered, 1, new ManualClock(0));
  assert.equal(state.snapshot.metadata.index, entries.length + 1);
  const members = restored(state.snapshot.data).all(raftMembers);
  assert.deepEqual(
    members.map((m) => m.NodeID),
    ['node-a', 'node-b', 'node-c'],
  );
});

test('a snapshot on disk is the starting point, and a state that does not name the survivor is refused', async () => {
  const entries = await loggedCluster(0);
  const first = await soleMemberSnapshot(
    { hardState: { term: 2, vote: 1, commit: entries.length }, snapshot: undefined, entries },
    2,
    new ManualClock(0),
  );
  // Forced again from its own snapshot: member 2 is the survivor and the others stay removed.
  const again = await soleMemberSnapshot(
    { hardState: first.hardState, snapshot: first.snapshot, entries: [] },
    2,
    new ManualClock(0),
  );
  assert.deepEqual(again.removed, []);
  assert.equal(again.snapshot.metadata.index, first.snapshot.metadata.index + 1);
  await assert.rejects(
    soleMemberSnapshot(
      { hardState: first.hardState, snapshot: first.snapshot, entries: [] },
      1,
      new ManualClock(0),
    ),
    /does not list this manager \(raft ID 1\)/,
  );
});
