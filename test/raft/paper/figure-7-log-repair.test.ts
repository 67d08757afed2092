// Raft Figure 7 and §5.3: whatever a follower's log looks like — missing entries, extra
// uncommitted entries, or both — the leader of term 8 forces it to match its own log, and
// the rejection hints (index and term of the conflict) let it skip whole terms at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry, Message } from '../../../src/raft/core/types.ts';
import { Network } from './support/network.ts';

const LEADER_TERMS = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];

/** The six follower logs of Figure 7, as the term of each entry from index 1 on. */
const FOLLOWERS: Record<string, number[]> = {
  a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
  b: [1, 1, 1, 4],
  c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
  d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
  e: [1, 1, 1, 4, 4, 4, 4],
  f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
};

/** Entries whose payload names index and term, so an overwritten entry is visible. */
function figureLog(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => ({
    term,
    index: i + 1,
    type: 'normal',
    data: new TextEncoder().encode(`i${i + 1}t${term}`),
  }));
}

/**
 * Node 1 holds the leader's log in term 7 and is about to win term 8; node 2 is the
 * follower of the figure; node 3 holds the leader's log and gives node 1 its majority
 * (follower (d) has a more up-to-date log and refuses its vote). Nothing is committed yet.
 */
function figureSeven(follower: readonly number[]): Network {
  const net = new Network();
  const voters = [1, 2, 3];
  net.add(1, { voters, log: figureLog(LEADER_TERMS), hardState: { term: 7, vote: 0, commit: 0 } });
  net.add(2, {
    voters,
    log: figureLog(follower),
    hardState: { term: Math.max(...follower), vote: 0, commit: 0 },
  });
  net.add(3, { voters, log: figureLog(LEADER_TERMS), hardState: { term: 7, vote: 0, commit: 0 } });
  net.campaign(1);
  net.stabilize();
  return net;
}

const EXPECTED_TERMS = [...LEADER_TERMS, 8];

for (const [name, follower] of Object.entries(FOLLOWERS)) {
  test(`Figure 7 (${name}): the leader of term 8 repairs the follower's log to match its own`, () => {
    const net = figureSeven(follower);

    assert.deepEqual(net.leaders(), [{ id: 1, term: 8 }]);
    const leaderLog = net.log(1);
    assert.deepEqual(
      leaderLog.map((e) => e.term),
      EXPECTED_TERMS,
    );
    assert.deepEqual(
      net.log(2),
      leaderLog,
      'follower log equals the leader log, payloads included',
    );
    assert.deepEqual(net.log(3), leaderLog);
    for (const id of [1, 2, 3]) {
      const { hardState, softState } = net.status(id);
      assert.equal(hardState.term, 8, `node ${id} term`);
      assert.equal(hardState.commit, 11, `node ${id} commits through the no-op of term 8`);
      assert.equal(softState.leader, 1, `node ${id} leader`);
    }
    // Never more than one rejection per conflicting term of the follower (at most two here).
    const rejections = net.delivered.filter(
      (m) => m.type === 'appResp' && m.from === 2 && m.reject,
    );
    assert.ok(rejections.length <= 2, `${rejections.length} rejections`);
  });
}

/** App messages from 1 to 2 up to the first acknowledgement of the whole log. */
function appendsUntilRepaired(delivered: readonly Message[], lastIndex: number): Message[] {
  const sent: Message[] = [];
  for (const m of delivered) {
    if (m.type === 'app' && m.from === 1 && m.to === 2) sent.push(m);
    if (m.type === 'appResp' && m.from === 2 && !m.reject && m.index >= lastIndex) return sent;
  }
  throw new Error('follower never acknowledged the whole log');
}

test('Figure 7 (f): rejection hints repair the follower in a few appends, not one per entry', () => {
  const net = figureSeven(FOLLOWERS.f ?? []);
  const appends = appendsUntilRepaired(net.delivered, 11);
  // Backing up one index per rejection would need 8 probes (next 11, 10, ..., 4); the
  // follower's hint (its last entry of term <= 6, index 10 with term 3) lets the leader jump
  // straight below every term-2 and term-3 entry: one rejected probe, then the repair.
  assert.equal(appends.length, 2, `took ${appends.length} appends`);
  const last = appends[appends.length - 1];
  assert.ok(last !== undefined);
  assert.equal(last.index, 3, 'the repair starts right after the last common entry');
  assert.equal(last.logTerm, 1);
  assert.deepEqual(last.entries, net.log(1).slice(last.index), 'it carries the whole repair');
  // The first rejection carried a hint that points into the follower's own log.
  const firstReject = net.delivered.find((m) => m.type === 'appResp' && m.from === 2 && m.reject);
  assert.ok(firstReject !== undefined);
  assert.equal(firstReject.rejectHint, 10);
  assert.equal(firstReject.logTerm, 3);
});

test('Figure 7 (d): the extra entries of term 7 are truncated, not kept after the leader log', () => {
  const net = figureSeven(FOLLOWERS.d ?? []);
  assert.equal(net.status(2).lastIndex, 11);
  assert.equal(net.log(2).at(-1)?.term, 8);
  assert.equal(net.log(2).filter((e) => e.term === 7).length, 0);
});
