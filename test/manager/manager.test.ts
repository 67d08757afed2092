import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  getNode,
  isRemoved,
  registerNode,
  removeNode,
} from '../../src/manager/controlapi/nodes.ts';
import { nodes } from '../../src/store/tables.ts';
import { rejection } from './support/control-fixtures.ts';
import { ManagerHarness, setRole, voters } from './support/manager-harness.ts';

let harness: ManagerHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Init on manager 1, then managers 2 and 3 join through addManager. */
async function threeManagers(h: ManagerHarness) {
  const m1 = await h.init();
  for (const n of [2, 3]) {
    await registerNode(m1.store, { nodeId: `node-${n}`, role: 'manager' });
    const admission = await m1.addManager(`node-${n}`, `mem-${n}`);
    assert.equal(admission.raftId, n);
    assert.ok(m1.raft.status().confState.learners.includes(n), `${n} starts as a learner`);
    await h.start(n);
    await h.eventually(`manager ${n} to become a voter`, () => voters(m1).includes(String(n)));
  }
  assert.equal(voters(m1), '1,2,3');
  return m1;
}

test('three managers: join as learners, fail over, mark nodes down, demote and promote', async () => {
  const h = (harness = new ManagerHarness());
  const m1 = await threeManagers(h);
  const m3 = h.running.get(3)!;
  await h.eventually('manager 3 to apply the join of 2', () => m3.store.get(nodes, 'node-2'));
  assert.equal(getNode(m1.store, 'node-1', m1.raftView).ManagerStatus?.Leader, true);
  await h.eventually(
    'node-2 to be reachable',
    () => getNode(m1.store, 'node-2', m1.raftView).ManagerStatus?.Reachability === 'reachable',
  );

  // Kill the leader; the new leader's dispatcher marks node-1 down while 2 and 3 heartbeat.
  await h.kill(1);
  const next = await h.eventually('a new leader', () => h.leader());
  await h.eventually('node-1 to be down', () => {
    for (const n of ['node-2', 'node-3']) void next.heartbeat(n).catch(() => {});
    h.clock.advance(2_000);
    return next.store.get(nodes, 'node-1')?.Status.State === 'down';
  });
  assert.equal(next.store.get(nodes, 'node-1')?.Status.Message, 'heartbeat failure');
  assert.equal(next.store.get(nodes, 'node-2')?.Status.State, 'ready');
  await h.eventually(
    'node-1 to be unreachable',
    () =>
      getNode(next.store, 'node-1', next.raftView).ManagerStatus?.Reachability === 'unreachable',
  );

  // With manager 1 dead, losing another voter would lose quorum.
  const followerId = next.raftView.selfId === 2 ? 3 : 2;
  const refused = await rejection(setRole(next, `node-${followerId}`, 'worker'));
  assert.equal(refused.code, 'NODE_QUORUM_LOSS');

  // Demote the dead manager: raft lets it go, it becomes a worker, and can then be removed.
  await setRole(next, 'node-1', 'worker');
  await h.eventually(
    'node-1 to leave raft',
    () => voters(next) === '2,3' && next.store.get(nodes, 'node-1')?.Role === 'worker',
  );
  await removeNode(next.store, 'node-1', false);
  assert.equal(isRemoved(next.store, 'node-1'), true);

  // Demote the follower, then the last manager is refused.
  await setRole(next, `node-${followerId}`, 'worker');
  await h.eventually(
    'the follower to leave raft',
    () =>
      voters(next) === String(next.raftView.selfId) &&
      next.store.get(nodes, `node-${followerId}`)?.Role === 'worker',
  );
  await h.kill(followerId);
  const last = await rejection(setRole(next, `node-${next.raftView.selfId}`, 'worker'));
  assert.deepEqual(last, {
    code: 'NODE_LAST_MANAGER',
    message: 'attempting to demote the last manager of the swarm',
  });

  // Promote it again: it rejoins under a new raft ID (IDs are never reused).
  await setRole(next, `node-${followerId}`, 'manager');
  await h.eventually(
    'the promoted node to be a manager',
    () => next.store.get(nodes, `node-${followerId}`)?.Role === 'manager',
  );
  const rejoined = await next.addManager(`node-${followerId}`, `mem-${followerId}-again`);
  assert.equal(rejoined.raftId, 4);
  const m4 = await h.start(4);
  await h.eventually('the rejoined manager to vote', () => voters(next).includes('4'));
  await h.eventually('the rejoined manager to catch up', () => m4.store.get(nodes, 'node-2'));
  assert.equal(m4.store.get(nodes, 'node-1'), undefined);
});

test('demoting the leader hands leadership over, then the old leader leaves raft', async () => {
  const h = (harness = new ManagerHarness());
  const m1 = await threeManagers(h);
  await setRole(m1, 'node-1', 'worker');
  const next = await h.eventually('another leader', () => {
    const leader = h.leader();
    return leader !== undefined && leader !== m1 ? leader : undefined;
  });
  await h.eventually(
    'node-1 to leave raft and become a worker',
    () => voters(next) === '2,3' && next.store.get(nodes, 'node-1')?.Role === 'worker',
  );
  assert.equal(m1.isLeader(), false);
  assert.equal(
    (await rejection(m1.addManager('node-1', 'x'))).code,
    'MANAGER_NOT_LEADER',
    'leader-only entry points are refused off the leader',
  );
});
