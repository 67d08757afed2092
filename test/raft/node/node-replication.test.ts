import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../../src/base/errors.ts';
import { NodeCluster, RecordingStateMachine, bytes, waitFor } from './node-cluster.ts';

let cluster: NodeCluster<RecordingStateMachine> | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function threeNodes(seed = 1): Promise<NodeCluster<RecordingStateMachine>> {
  cluster = new NodeCluster({
    ids: [1, 2, 3],
    seed,
    newStateMachine: () => new RecordingStateMachine(),
  });
  await cluster.start();
  return cluster;
}

const allApplied = (c: NodeCluster<RecordingStateMachine>, expected: string[]) => () =>
  [...c.members.values()].every((m) => m.sm.values.join() === expected.join());

test('three members elect one leader that every member knows', async () => {
  const c = await threeNodes();
  const leader = await c.waitForLeader();
  await waitFor('every member to know the leader', 2_000, () =>
    [...c.members.values()].every((m) => m.node.leader() === leader.id),
  );
  assert.equal(
    [...c.members.values()].filter((m) => m.node.status().softState.role === 'leader').length,
    1,
  );
});

test('proposals commit and apply on every member in the same order, with their indexes', async () => {
  const c = await threeNodes();
  const leader = await c.waitForLeader();
  const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
  const indexes = await Promise.all(values.map((v) => leader.node.propose(bytes(v))));
  assert.deepEqual(
    indexes,
    [...indexes].sort((a, b) => a - b),
  );
  assert.equal(new Set(indexes).size, values.length);
  assert.deepEqual(leader.sm.values, values);
  await waitFor('every member to apply the proposals', 2_000, allApplied(c, values));
});

test('a proposal made on a follower is forwarded and resolves on the follower', async () => {
  const c = await threeNodes();
  const leader = await c.waitForLeader();
  const follower = [...c.members.values()].find((m) => m.id !== leader.id)!;
  const index = await follower.node.propose(bytes('from-follower'));
  assert.ok(index > 0);
  assert.deepEqual(follower.sm.values, ['from-follower']);
});

test('readBarrier on a follower covers every write completed before it', async () => {
  const c = await threeNodes();
  const leader = await c.waitForLeader();
  const followers = [...c.members.values()].filter((m) => m.id !== leader.id);
  for (let i = 0; i < 5; i++) {
    await leader.node.propose(bytes(`w${i}`));
    for (const f of followers) {
      await f.node.readBarrier();
      assert.equal(f.sm.values.at(-1), `w${i}`);
    }
  }
  await leader.node.readBarrier();
  assert.equal(leader.sm.values.length, 5);
});

test('after the leader stops, a new leader is elected and proposals continue', async () => {
  const c = await threeNodes(7);
  const first = await c.waitForLeader();
  await first.node.propose(bytes('before'));
  await c.stopMember(first.id);
  const second = await c.waitForLeader();
  assert.notEqual(second.id, first.id);
  await second.node.propose(bytes('after'));
  await waitFor('both survivors to apply', 2_000, allApplied(c, ['before', 'after']));
});

test('stopping a node rejects its pending proposals and read barriers with RAFT_STOPPED', async () => {
  const c = await threeNodes();
  const leader = await c.waitForLeader();
  const others = [...c.members.values()].filter((m) => m.id !== leader.id);
  // Without its followers the leader cannot commit, so the proposal stays pending.
  for (const o of others) c.network.isolate(o.id);
  const settled = Promise.allSettled([
    leader.node.propose(bytes('never')),
    leader.node.readBarrier(),
  ]);
  await c.stopMember(leader.id);
  for (const result of await settled) {
    assert.equal(result.status, 'rejected');
    assert.ok(result.reason instanceof ShoalError && result.reason.code === 'RAFT_STOPPED');
  }
  await assert.rejects(
    leader.node.propose(bytes('late')),
    (e: unknown) => e instanceof ShoalError && e.code === 'RAFT_STOPPED',
  );
  await leader.node.stop();
});

test('an entry of a deposed leader that a new leader overwrites is rejected with RAFT_PROPOSAL_LOST', async () => {
  const c = await threeNodes(3);
  const old = await c.waitForLeader();
  const others = [...c.members.values()].filter((m) => m.id !== old.id).map((m) => m.id);
  c.network.partition([old.id], others);
  const lost = old.node.propose(bytes('lost'));
  const next = await waitFor('a new leader among the majority', 3_000, () => {
    const l = c.leader();
    return l && l.id !== old.id ? l : undefined;
  });
  await next.node.propose(bytes('won'));
  await next.node.propose(bytes('won-2'));
  c.network.heal();
  await assert.rejects(
    lost,
    (e: unknown) => e instanceof ShoalError && e.code === 'RAFT_PROPOSAL_LOST',
  );
  await waitFor('the old leader to catch up', 2_000, () => old.sm.values.join() === 'won,won-2');
});

test('an aborted proposal rejects with the abort reason', async () => {
  const c = await threeNodes();
  const leader = await c.waitForLeader();
  for (const m of c.members.values()) if (m.id !== leader.id) c.network.isolate(m.id);
  const controller = new AbortController();
  const pending = leader.node.propose(bytes('x'), controller.signal);
  controller.abort(new Error('client gave up'));
  await assert.rejects(pending, /client gave up/);
});

test('onLeaderChange reports the elected leader and its term', async () => {
  cluster = new NodeCluster({ ids: [1, 2, 3], newStateMachine: () => new RecordingStateMachine() });
  const seen: [number, number][] = [];
  await cluster.start();
  const m1 = cluster.member(1);
  const unsubscribe = m1.node.onLeaderChange((leader, term) => seen.push([leader, term]));
  const leader = await cluster.waitForLeader();
  await waitFor('member 1 to report the leader', 2_000, () => seen.some(([l]) => l === leader.id));
  const entry = seen.find(([l]) => l === leader.id)!;
  assert.equal(entry[1], leader.node.status().hardState.term);
  unsubscribe();
});
