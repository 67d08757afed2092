import assert from 'node:assert/strict';
import { SeededRng } from '../../../../src/base/rng.ts';
import type { ConfChangeType, Entry, Message, NodeId } from '../../../../src/raft/core/types.ts';
import { ProposalDroppedError } from '../../../../src/raft/core/types.ts';
import { Network } from './network.ts';

/** Knobs of one chaos run. */
export interface ChaosOptions {
  readonly seed: number;
  readonly steps: number;
  readonly voters?: number;
}

/**
 * A small randomised fault run over {@link Network}: reordering, loss, duplication,
 * partitions, crashes with restart from storage, membership changes, snapshots with
 * compaction, leader transfers and reads. After every step it checks election safety (one
 * leader per term) and state-machine safety (every node applies the same entry at each
 * index); at the end it heals everything and checks that a proposal still commits.
 * Throws an assertion error naming the seed on failure.
 */
export function runChaos(opts: ChaosOptions): void {
  const rng = new SeededRng(opts.seed);
  const n = opts.voters ?? 3 + 2 * rng.int(2);
  const voters = Array.from({ length: n }, (_, i) => i + 1);
  const spare = [n + 1, n + 2];
  const checkQuorum = rng.next() < 0.7;
  const net = new Network(
    voters,
    { preVote: true, checkQuorum, electionTick: 10, maxInflightMsgs: 4, maxSizePerMsg: 64 },
    [],
    opts.seed,
  );
  for (const id of spare) net.add(id);
  const leaderOfTerm = new Map<number, NodeId>();
  const appliedAt = new Map<number, string>();
  const context = `seed ${opts.seed}`;
  let proposals = 0;

  const check = (): void => {
    for (const node of net.nodes.values()) {
      const st = node.core.status();
      if (st.softState.role === 'leader') {
        const prev = leaderOfTerm.get(st.hardState.term);
        assert.ok(
          prev === undefined || prev === node.id,
          `${context}: two leaders in term ${st.hardState.term}`,
        );
        leaderOfTerm.set(st.hardState.term, node.id);
      }
    }
  };
  net.onApply = (id: NodeId, e: Entry): void => {
    const key = `${e.term}:${e.type}:${Buffer.from(e.data).toString('hex')}`;
    const prev = appliedAt.get(e.index);
    assert.ok(
      prev === undefined || prev === key,
      `${context}: node ${id} applied ${key} at ${e.index}, another applied ${prev}`,
    );
    appliedAt.set(e.index, key);
  };

  const allIds = [...voters, ...spare];
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  for (let step = 0; step < opts.steps; step++) {
    const roll = rng.next();
    try {
      if (roll < 0.3) {
        net.core(pick(allIds)).tick();
      } else if (roll < 0.55) {
        for (const id of allIds) net.core(id).tick();
      } else if (roll < 0.7) {
        deliverSome(net, rng);
      } else if (roll < 0.8) {
        net.core(pick(allIds)).propose(new TextEncoder().encode(`p${proposals++}`));
      } else if (roll < 0.83) {
        net.heal();
        if (rng.next() < 0.5) net.isolate(pick(allIds));
        else net.cut(pick(allIds), pick(allIds));
      } else if (roll < 0.85) {
        net.heal();
      } else if (roll < 0.87) {
        net.restart(pick(allIds));
      } else if (roll < 0.89) {
        const type: ConfChangeType = pick(['addVoter', 'addLearner', 'removeNode'] as const);
        const leader = net.leaders()[0];
        if (leader !== undefined)
          net.core(leader).proposeConfChange({ type, nodeId: pick(allIds) });
      } else if (roll < 0.91) {
        snapshotAndCompact(net, pick(allIds), rng);
      } else if (roll < 0.93) {
        const leader = net.leaders()[0];
        if (leader !== undefined) net.core(leader).transferLeader(pick(allIds));
      } else if (roll < 0.95) {
        net.core(pick(allIds)).readIndex(new TextEncoder().encode(`r${step}`));
      } else {
        for (const id of allIds) net.processReady(id);
      }
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
    }
    for (const id of allIds) net.processReady(id);
    check();
  }
  // Liveness: with every link healed, a leader emerges and a new proposal commits everywhere.
  net.heal();
  net.drop = () => false;
  for (let i = 0; i < 300 && !committedEverywhere(net, proposals); i++) {
    for (const id of allIds) net.core(id).tick();
    net.stabilize();
    check();
    const leader = net.leaders()[0];
    if (leader !== undefined && i % 20 === 10) {
      try {
        net.core(leader).propose(new TextEncoder().encode(`final${proposals}`));
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
      }
    }
  }
  assert.ok(committedEverywhere(net, proposals), `${context}: no progress after healing`);
}

function committedEverywhere(net: Network, proposals: number): boolean {
  const marker = `final${proposals}`;
  const leader = net.leaders()[0];
  if (leader === undefined) return false;
  const members = net.node(leader).confState;
  return [...members.voters, ...members.learners].every(
    (id) => net.nodes.has(id) && net.appliedText(id).includes(marker),
  );
}

function deliverSome(net: Network, rng: SeededRng): void {
  const count = 1 + rng.int(Math.max(1, net.queue.length));
  for (let i = 0; i < count && net.queue.length > 0; i++) {
    const at = rng.int(net.queue.length);
    const [m] = net.queue.splice(at, 1) as [Message];
    const fate = rng.next();
    if (fate < 0.1) {
      net.lose(m);
      continue;
    }
    if (fate < 0.15) net.queue.push(m);
    net.deliver(m);
  }
}

function snapshotAndCompact(net: Network, id: NodeId, rng: SeededRng): void {
  const node = net.node(id);
  // Bootstrap entries count as applied before the first Ready has persisted them.
  const applied = Math.min(node.core.status().applied, node.storage.lastIndex());
  const snapIndex = node.storage.snapshot().metadata.index;
  if (applied <= snapIndex) return;
  node.storage.createSnapshot(applied, node.confState, new TextEncoder().encode(`snap@${applied}`));
  const keep = rng.int(3);
  if (applied - keep > node.storage.firstIndex()) node.storage.compact(applied - keep);
}
