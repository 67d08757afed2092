import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ConfChange,
  ConfState,
  NodeId,
  ProgressStatus,
  Role,
  Status,
} from '../../../src/raft/core/types.ts';
import { registerNode, updateNode } from '../../../src/manager/controlapi/nodes.ts';
import { MembershipReconciler } from '../../../src/manager/membership/membership-reconciler.ts';
import type { MembershipRaft } from '../../../src/manager/membership/membership-reconciler.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import { nodes, raftMembers } from '../../../src/store/tables.ts';
import { initializedStore, rejection } from '../support/control-fixtures.ts';

/** A Raft stand-in: applies conf changes at once, every member caught up and active. */
class FakeRaft implements MembershipRaft {
  conf: ConfState = { voters: [1], learners: [] };
  role: Role = 'leader';
  readonly changes: string[] = [];
  readonly transfers: NodeId[] = [];
  silent = new Set<NodeId>();

  status(): Status {
    const progress = new Map<NodeId, ProgressStatus>();
    for (const id of [...this.conf.voters, ...this.conf.learners]) {
      const active = !this.silent.has(id);
      progress.set(id, {
        match: active ? 10 : 0,
        next: 11,
        state: 'replicate',
        isLearner: this.conf.learners.includes(id),
        recentActive: active,
        active,
      });
    }
    return {
      id: 1,
      hardState: { term: 1, vote: 1, commit: 10 },
      softState: { leader: this.role === 'leader' ? 1 : 2, role: this.role },
      applied: 10,
      lastIndex: 10,
      confState: this.conf,
      progress,
      leadTransferee: 0,
    };
  }

  proposeConfChange(change: ConfChange): Promise<ConfState> {
    this.changes.push(`${change.type} ${change.nodeId}`);
    const voters = this.conf.voters.filter((id) => id !== change.nodeId);
    const learners = this.conf.learners.filter((id) => id !== change.nodeId);
    if (change.type === 'addVoter') voters.push(change.nodeId);
    if (change.type === 'addLearner') learners.push(change.nodeId);
    this.conf = { voters, learners };
    return Promise.resolve(this.conf);
  }

  transferLeader(to: NodeId): void {
    this.transfers.push(to);
    // Leadership moves away, so this manager's sweeps stop acting.
    this.role = 'follower';
  }
}

let reconciler: MembershipReconciler | undefined;
afterEach(async () => {
  await reconciler?.stop();
  reconciler = undefined;
});

async function setup(): Promise<{ store: MemoryStore; raft: FakeRaft; r: MembershipReconciler }> {
  const { store, clock } = await initializedStore();
  const raft = new FakeRaft();
  reconciler = new MembershipReconciler({ store, raft, clock, catchUpEntries: 5 });
  reconciler.start();
  return { store, raft, r: reconciler };
}

async function setRole(store: MemoryStore, nodeId: string, role: 'manager' | 'worker') {
  const node = store.get(nodes, nodeId)!;
  await updateNode(store, nodeId, node.meta.version, { ...node.Spec, Role: role });
}

test('addManager admits a learner under a fresh ID; the sweep promotes it', async () => {
  const { store, raft, r } = await setup();
  await registerNode(store, { nodeId: 'm2', role: 'manager' });
  raft.silent.add(2);
  const admission = await r.addManager('m2', 'addr-2');
  assert.equal(admission.raftId, 2);
  assert.deepEqual(admission.peers, [
    { raftId: 1, addr: '10.0.0.1:2377' },
    { raftId: 2, addr: 'addr-2' },
  ]);
  await r.sweepNow();
  assert.deepEqual(raft.conf, { voters: [1], learners: [2] }, 'silent learners wait');
  raft.silent.clear();
  await r.sweepNow();
  assert.deepEqual(raft.changes, ['addLearner 2', 'addVoter 2']);
  assert.deepEqual(await r.addManager('m2', 'addr-2'), admission, 'a repeated join is idempotent');
});

test('raft IDs are never reused: a rejoin at a new address gets a new one', async () => {
  const { store, raft, r } = await setup();
  await registerNode(store, { nodeId: 'm2', role: 'manager' });
  await r.addManager('m2', 'addr-2');
  const again = await r.addManager('m2', 'addr-2b');
  assert.equal(again.raftId, 3);
  assert.equal(store.get(raftMembers, '2')?.Removed, true);
  await r.sweepNow();
  // Store changes kick sweeps, and this fake's learners are caught up at once.
  assert.deepEqual(raft.changes, [
    'addLearner 2',
    'addVoter 2',
    'removeNode 2',
    'addLearner 3',
    'addVoter 3',
  ]);
});

test('addManager refuses unknown nodes, workers, and followers', async () => {
  const { store, raft, r } = await setup();
  await registerNode(store, { nodeId: 'w1', role: 'worker' });
  assert.equal((await rejection(r.addManager('ghost', 'a'))).code, 'NODE_NOT_FOUND');
  assert.equal((await rejection(r.addManager('w1', 'a'))).code, 'NODE_NOT_MANAGER');
  raft.role = 'follower';
  assert.equal((await rejection(r.addManager('w1', 'a'))).code, 'MANAGER_NOT_LEADER');
});

test('demotion removes the member then sets the worker role; the leader hands over first', async () => {
  const { store, raft, r } = await setup();
  for (const n of [2, 3]) {
    await registerNode(store, { nodeId: `m${n}`, role: 'manager' });
    await r.addManager(`m${n}`, `addr-${n}`);
    await r.sweepNow();
  }
  assert.deepEqual(raft.conf.voters, [1, 2, 3]);
  await setRole(store, 'm3', 'worker');
  await r.sweepNow();
  assert.deepEqual(raft.conf.voters, [1, 2]);
  assert.equal(store.get(nodes, 'm3')?.Role, 'worker');
  assert.equal(store.get(raftMembers, '3')?.Removed, true);

  await setRole(store, 'manager-1', 'worker');
  await r.sweepNow();
  assert.deepEqual(raft.transfers, [2]);
  assert.deepEqual(raft.conf.voters, [1, 2], 'the leader is not removed by itself');
});

test('a promoted worker takes the manager role at once', async () => {
  const { store, r } = await setup();
  await registerNode(store, { nodeId: 'w1', role: 'worker' });
  await setRole(store, 'w1', 'manager');
  await r.sweepNow();
  assert.equal(store.get(nodes, 'w1')?.Role, 'manager');
});
