import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeRole } from '../../../src/api/objects/node.ts';
import type { ProgressStatus } from '../../../src/raft/core/types.ts';
import { planMembership } from '../../../src/manager/membership/membership-plan.ts';
import type {
  MembershipAction,
  MembershipState,
} from '../../../src/manager/membership/membership-plan.ts';
import { canRemoveMember } from '../../../src/manager/membership/raft-view.ts';

const node = (id: string, desired: NodeRole, role: NodeRole = desired) => ({
  id,
  Spec: { Role: desired },
  Role: role,
});
const member = (raftId: number, nodeId: string) => ({
  RaftID: raftId,
  NodeID: nodeId,
  Addr: `addr-${raftId}`,
});
const progress = (match: number, recentActive = true, isLearner = false): ProgressStatus => ({
  match,
  next: match + 1,
  state: 'replicate',
  isLearner,
  recentActive,
  active: recentActive,
});

/** Three healthy voters: n1 (leader, raft 1), n2, n3, log at 100. */
function healthy(): MembershipState {
  return {
    nodes: [node('n1', 'manager'), node('n2', 'manager'), node('n3', 'manager')],
    members: [member(1, 'n1'), member(2, 'n2'), member(3, 'n3')],
    confState: { voters: [1, 2, 3], learners: [] },
    leader: 1,
    lastIndex: 100,
    progress: new Map([
      [1, progress(100)],
      [2, progress(100)],
      [3, progress(90)],
    ]),
  };
}

const cases: { name: string; state: MembershipState; want: MembershipAction | undefined }[] = [
  { name: 'in step: nothing to do', state: healthy(), want: undefined },
  {
    name: 'a recorded member outside the configuration joins as a learner',
    state: {
      ...healthy(),
      nodes: [...healthy().nodes, node('n4', 'manager')],
      members: [...healthy().members, member(4, 'n4')],
    },
    want: { kind: 'addLearner', raftId: 4, addr: 'addr-4' },
  },
  {
    name: 'a learner within the margin becomes a voter',
    state: {
      ...healthy(),
      nodes: [...healthy().nodes, node('n4', 'manager')],
      members: [...healthy().members, member(4, 'n4')],
      confState: { voters: [1, 2, 3], learners: [4] },
      progress: new Map([...healthy().progress, [4, progress(60, true, true)]]),
    },
    want: { kind: 'promoteVoter', raftId: 4 },
  },
  {
    name: 'a learner that has not answered yet waits, however short the log',
    state: {
      ...healthy(),
      lastIndex: 3,
      nodes: [...healthy().nodes, node('n4', 'manager')],
      members: [...healthy().members, member(4, 'n4')],
      confState: { voters: [1, 2, 3], learners: [4] },
      progress: new Map([...healthy().progress, [4, progress(0, false, true)]]),
    },
    want: undefined,
  },
  {
    name: 'a learner far behind waits',
    state: {
      ...healthy(),
      nodes: [...healthy().nodes, node('n4', 'manager')],
      members: [...healthy().members, member(4, 'n4')],
      confState: { voters: [1, 2, 3], learners: [4] },
      progress: new Map([...healthy().progress, [4, progress(10, true, true)]]),
    },
    want: undefined,
  },
  {
    name: 'a demoted follower is removed',
    state: {
      ...healthy(),
      nodes: [node('n1', 'manager'), node('n2', 'worker', 'manager'), node('n3', 'manager')],
    },
    want: { kind: 'removeMember', raftId: 2, inConfig: true },
  },
  {
    name: 'a deleted node’s member is removed',
    state: { ...healthy(), nodes: [node('n1', 'manager'), node('n2', 'manager')] },
    want: { kind: 'removeMember', raftId: 3, inConfig: true },
  },
  {
    name: 'a demoted leader hands over to the furthest active voter first',
    state: {
      ...healthy(),
      nodes: [node('n1', 'worker', 'manager'), node('n2', 'manager'), node('n3', 'manager')],
    },
    want: { kind: 'transferLeadership', to: 2 },
  },
  {
    name: 'a removal that loses quorum waits',
    state: {
      ...healthy(),
      nodes: [node('n1', 'manager'), node('n2', 'worker', 'manager'), node('n3', 'manager')],
      progress: new Map([
        [1, progress(100)],
        [2, progress(100)],
        [3, progress(90, false)],
      ]),
    },
    want: undefined,
  },
  {
    name: 'a member record never admitted is just marked removed',
    state: {
      ...healthy(),
      members: [...healthy().members, member(5, 'gone')],
    },
    want: { kind: 'removeMember', raftId: 5, inConfig: false },
  },
  {
    name: 'a promoted worker takes the manager role at once',
    state: { ...healthy(), nodes: [...healthy().nodes, node('w1', 'manager', 'worker')] },
    want: { kind: 'setRole', nodeId: 'w1', role: 'manager' },
  },
  {
    name: 'a demoted node becomes a worker once out of raft',
    state: {
      ...healthy(),
      nodes: [...healthy().nodes, node('old', 'worker', 'manager')],
    },
    want: { kind: 'setRole', nodeId: 'old', role: 'worker' },
  },
];

for (const { name, state, want } of cases) {
  test(`plan: ${name}`, () => {
    assert.deepEqual(planMembership(state, { catchUpEntries: 50 }), want);
  });
}

test('canRemoveMember counts the reachable voters left against the new majority', () => {
  const view = (voters: number[], reachable: number[]) => ({
    selfId: 1,
    leader: () => 1,
    confState: () => ({ voters, learners: [] }),
    reachable: (id: number) => reachable.includes(id),
  });
  const rows: [number[], number[], number, boolean][] = [
    [[1, 2, 3], [2, 3], 2, true],
    [[1, 2, 3], [2], 2, false],
    [[1, 2, 3], [2], 3, true],
    [[1, 2], [], 2, true],
    [[1], [], 1, false],
    [[1, 2, 3, 4, 5], [2], 2, false],
    [[1, 2, 3, 4, 5], [2, 3], 2, false],
    [[1, 2, 3, 4, 5], [2, 3, 4], 2, true],
    [[1, 2, 3], [], 9, true],
  ];
  for (const [voters, reachable, id, want] of rows) {
    assert.equal(
      canRemoveMember(view(voters, reachable), id),
      want,
      `voters ${voters.join()} reachable ${reachable.join()} remove ${id}`,
    );
  }
});
