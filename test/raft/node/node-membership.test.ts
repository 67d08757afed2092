import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfChange, ConfState } from '../../../src/raft/core/types.ts';
import { NodeCluster, RecordingStateMachine, bytes, waitFor } from './node-cluster.ts';

class MembershipRecorder extends RecordingStateMachine {
  readonly changes: { change: ConfChange; confState: ConfState }[] = [];
  applyConfChange(change: ConfChange, confState: ConfState): void {
    this.changes.push({ change, confState });
  }
}

let cluster: NodeCluster<MembershipRecorder> | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const sorted = (ids: readonly number[]): number[] => [...ids].sort((a, b) => a - b);

test('a fourth member joins as a learner, catches up, then becomes a voter', async () => {
  const c = (cluster = new NodeCluster({
    ids: [1, 2, 3],
    newStateMachine: () => new MembershipRecorder(),
  }));
  await c.start();
  const leader = await c.waitForLeader();
  for (const v of ['a', 'b', 'c']) await leader.node.propose(bytes(v));

  const newcomer = await c.startMember(4);
  const asLearner = await leader.node.proposeConfChange({
    type: 'addLearner',
    nodeId: 4,
    context: bytes('address-of-4'),
  });
  assert.deepEqual(sorted(asLearner.voters), [1, 2, 3]);
  assert.deepEqual(asLearner.learners, [4]);
  await waitFor('the learner to catch up', 3_000, () => newcomer.sm.values.join() === 'a,b,c');
  assert.equal(newcomer.node.status().softState.role, 'follower');
  // The context reaches the state machine as the proposer gave it.
  const seen = newcomer.sm.changes.at(-1)!;
  assert.equal(new TextDecoder().decode(seen.change.context), 'address-of-4');

  const asVoter = await leader.node.proposeConfChange({ type: 'addVoter', nodeId: 4 });
  assert.deepEqual(sorted(asVoter.voters), [1, 2, 3, 4]);
  assert.deepEqual(asVoter.learners, []);
  await waitFor(
    'the newcomer to apply its promotion',
    2_000,
    () => sorted(newcomer.node.status().confState.voters).join() === '1,2,3,4',
  );

  // With four voters a commit needs three: stop one old follower, and the newcomer's vote counts.
  const follower = [...c.members.values()].find((m) => m.id !== leader.id && m.id !== 4)!;
  await c.stopMember(follower.id);
  await leader.node.propose(bytes('d'));
  await waitFor(
    'the newcomer to apply the new entry',
    2_000,
    () => newcomer.sm.values.join() === 'a,b,c,d',
  );
});
