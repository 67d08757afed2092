// Raft Figure 8 and §5.4.2: a leader never commits an entry of an earlier term by counting
// replicas; such an entry commits only together with an entry of the leader's own term.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, NodeId } from '../../../src/raft/core/types.ts';
import { Network, logOfTerms } from './support/network.ts';

const VOTERS = [1, 2, 3, 4, 5];

/**
 * The figure's state (b): S1 led term 2 and put index 2 on S2 before crashing; S5 led term
 * 3 and put its own index 2 on itself only. Everything but index 1 is uncommitted.
 * One entry per append (maxSizePerMsg 1) lets the test tell index 2 from index 3 on the wire.
 * Election timeouts are 15 ticks, so a follower can outlive its leader's lease (10 ticks)
 * without standing itself.
 */
function figureEight(): Network {
  const net = new Network();
  const logs: Record<NodeId, number[]> = { 1: [1, 2], 2: [1, 2], 3: [1], 4: [1], 5: [1, 3] };
  const terms: Record<NodeId, number> = { 1: 3, 2: 2, 3: 3, 4: 3, 5: 3 };
  for (const id of VOTERS) {
    net.add(id, {
      voters: VOTERS,
      log: logOfTerms(logs[id] ?? []),
      hardState: { term: terms[id] ?? 0, vote: 0, commit: 1 },
      config: { checkQuorum: false, maxSizePerMsg: 1, random: () => 0.5 },
    });
  }
  return net;
}

/** An election timeout passes on S2 to S4 without S1: they stop honouring its lease. */
function forgetLeader(net: Network): void {
  for (const id of [2, 3, 4]) net.tick(id, 10);
  net.stabilize();
  for (const id of [2, 3, 4]) assert.equal(net.status(id).softState.role, 'follower');
}

function termAt(net: Network, id: NodeId, index: number): number | undefined {
  return index === 0 ? 0 : net.log(id).find((e) => e.index === index)?.term;
}

/**
 * State (c): S1 wins term 4 and replicates index 2 (term 2) to S3 and S4, but crashes
 * before any entry of term 4 lands anywhere; S5 is down meanwhile. Appends that would
 * place a term-4 entry on a follower are lost; probes that will be rejected anyway pass.
 */
function stateC(net: Network): void {
  net.isolate(5);
  net.dropIf = (m: Message) =>
    m.type === 'app' &&
    m.entries.some((e) => e.term === 4) &&
    termAt(net, m.to, m.index) === m.logTerm;
  net.campaign(1);
  net.stabilize();
}

test('Figure 8 (c): an entry of term 2 on a majority is not committed by the leader of term 4', () => {
  const net = figureEight();
  stateC(net);

  const leader = net.status(1);
  assert.equal(leader.softState.role, 'leader');
  assert.equal(leader.hardState.term, 4);
  assert.deepEqual(net.logTerms(1), [1, 2, 4]);
  for (const id of [2, 3, 4]) assert.deepEqual(net.logTerms(id), [1, 2], `node ${id} log`);
  // The leader knows index 2 is on S1, S3 and S4: a majority of five...
  assert.equal(leader.progress?.get(3)?.match, 2);
  assert.equal(leader.progress?.get(4)?.match, 2);
  // ...and still does not commit it, because it is not of the current term.
  assert.equal(leader.hardState.commit, 1);
  // Heartbeats (which carry the commit index) do not change that.
  net.tick(1, 3);
  net.stabilize();
  for (const id of [1, 2, 3, 4]) assert.equal(net.status(id).hardState.commit, 1, `node ${id}`);
  assert.deepEqual(appliedAfterIndexOne(net), [], 'nothing past index 1 was applied');
});

test('Figure 8 (d): that entry can indeed be overwritten, so counting replicas would be unsafe', () => {
  const net = figureEight();
  stateC(net);

  // S1 crashes; S5 comes back and, with the last log term 3, wins the votes of S2, S3, S4.
  net.heal();
  net.isolate(1);
  forgetLeader(net);
  for (let attempt = 0; attempt < 3 && net.status(5).softState.role !== 'leader'; attempt++) {
    net.campaign(5);
    net.stabilize();
  }
  const s5 = net.status(5);
  assert.equal(s5.softState.role, 'leader');
  assert.ok(s5.hardState.term >= 5);
  for (const id of [2, 3, 4]) {
    assert.deepEqual(net.logTerms(id), [1, 3, s5.hardState.term], `node ${id}: index 2 replaced`);
  }
});

test('Figure 8 (e): once an entry of term 4 reaches a majority, index 2 commits with it', () => {
  const net = figureEight();
  stateC(net);
  assert.equal(net.status(1).hardState.commit, 1);

  // S1 stays up long enough to replicate its no-op of term 4 (S5 still down).
  net.dropIf = undefined;
  net.tick(1);
  net.stabilize();
  for (const id of [1, 2, 3, 4]) {
    assert.deepEqual(net.logTerms(id), [1, 2, 4], `node ${id} log`);
    assert.equal(net.status(id).hardState.commit, 3, `node ${id} commit`);
  }
  const applied = net
    .peer(2)
    .applied.filter((e) => e.index > 1)
    .map((e) => `${e.term}/${e.index}`);
  assert.deepEqual(applied, ['2/2', '4/3']);

  // Now S5 cannot win: a majority holds a log ending in term 4, newer than its term 3.
  net.heal();
  net.isolate(1);
  forgetLeader(net);
  for (let attempt = 0; attempt < 3; attempt++) {
    net.campaign(5);
    net.stabilize();
  }
  assert.notEqual(net.status(5).softState.role, 'leader');
  assert.deepEqual(net.leaders(), [{ id: 1, term: 4 }], 'only the isolated old leader');
  for (const id of [2, 3, 4]) assert.deepEqual(net.logTerms(id), [1, 2, 4], `node ${id} log`);
});

function appliedAfterIndexOne(net: Network): string[] {
  return [1, 2, 3, 4].flatMap((id) =>
    net
      .peer(id)
      .applied.filter((e) => e.index > 1)
      .map((e) => `${id}:${e.index}`),
  );
}
