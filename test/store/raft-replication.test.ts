import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { MemoryStore } from '../../src/store/memory-store.ts';
import type { Proposer } from '../../src/store/proposer.ts';
import { NodeCluster, waitFor } from '../raft/node/node-cluster.ts';
import type { Member } from '../raft/node/node-cluster.ts';
import { aService, allTables, services } from './support/tables.ts';

/** A proposer whose target (the member's RaftNode) is known only once the node is built. */
class LateProposer implements Proposer {
  target: Proposer | undefined;
  propose(payload: Uint8Array): Promise<number> {
    return this.target!.propose(payload);
  }
}

describe('three MemoryStores on real RaftNodes (FileStorage, MemoryTransport)', () => {
  const proposers = new Map<MemoryStore, LateProposer>();
  const cluster = new NodeCluster<MemoryStore>({
    ids: [1, 2, 3],
    seed: 3,
    newStateMachine: () => {
      const proposer = new LateProposer();
      const store = new MemoryStore({ tables: allTables, proposer });
      proposers.set(store, proposer);
      return store;
    },
  });
  let leader: Member<MemoryStore>;
  let followers: Member<MemoryStore>[];

  before(async () => {
    await cluster.start();
    for (const member of cluster.members.values()) proposers.get(member.sm)!.target = member.node;
    leader = await cluster.waitForLeader();
    followers = [...cluster.members.values()].filter((m) => m.id !== leader.id);
  });
  after(() => cluster.close());

  const images = () =>
    [...cluster.members.values()].map((m) => Buffer.from(m.sm.snapshot()).toString('utf8'));

  test('a write through the leader is readable on all three', async () => {
    const index = await leader.sm.update((tx) => void tx.create(services, aService('s1', 'web')));
    assert.equal(leader.sm.get(services, 's1')?.meta.version, index);
    for (const follower of followers) {
      await follower.node.readBarrier();
      assert.equal(follower.sm.getByName(services, 'WEB')?.meta.version, index);
    }
  });

  test('concurrent updates from the same version, on the leader and a follower: exactly one fails', async () => {
    const writer = followers[0]!;
    await writer.node.readBarrier();
    const readByLeader = leader.sm.get(services, 's1')!;
    const readByFollower = writer.sm.get(services, 's1')!;
    assert.equal(readByLeader.meta.version, readByFollower.meta.version);
    const results = await Promise.allSettled([
      leader.sm.update((tx) => void tx.update(services, { ...readByLeader, replicas: 2 })),
      writer.sm.update((tx) => void tx.update(services, { ...readByFollower, replicas: 7 })),
    ]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(failed.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.equal((failed[0]!.reason as { code?: string }).code, 'STORE_SEQUENCE_CONFLICT');
    const winner = results[0].status === 'fulfilled' ? 2 : 7;
    await waitFor('all three stores to agree', 5_000, () => new Set(images()).size === 1);
    for (const member of cluster.members.values()) {
      assert.equal(member.sm.get(services, 's1')?.replicas, winner);
    }
  });
});
