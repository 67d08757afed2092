import type { NodeId } from '../../../src/raft/core/types.ts';
import type { SimCluster } from './cluster.ts';
import { INVARIANTS } from './invariants.ts';
import { NO_LINK_FAULTS } from './network.ts';
import type { SimNode } from './sim-node.ts';

/** Ticks allowed after healing, per election timeout: `LIVENESS_TIMEOUTS × electionTick`. */
export const LIVENESS_TIMEOUTS = 50;

/** Bound on deliveries within one liveness round, so a message storm cannot hang a seed. */
const MAX_DELIVERIES_PER_ROUND = 5_000;

/**
 * Heals the world and requires progress: every link restored, every fault rate set to
 * zero and every crashed node restarted (removed members too: they may still believe they
 * belong and campaign, which Raft must survive), then within `LIVENESS_TIMEOUTS ×
 * electionTick` rounds (one tick of every node, then delivery until the network is quiet)
 * some node must lead while being a voter of its own membership, and a fresh proposal made
 * on it must be applied by a quorum of that membership's voters. Returns the leader and the
 * number of rounds it took; throws a liveness violation otherwise.
 */
export function healAndCheckLiveness(
  cluster: SimCluster,
  electionTick: number,
): { leader: SimNode; rounds: number } {
  cluster.network.faults = NO_LINK_FAULTS;
  cluster.network.healAll();
  cluster.network.releaseDelays();
  for (const node of cluster.nodes.values()) if (!node.up) cluster.restart(node.id);
  cluster.log('healed: every link restored, every node up, no more faults');

  const appliedBy = new Map<number, Set<NodeId>>();
  cluster.onAppliedEntry((node, proposal) => {
    if (proposal === undefined) return;
    const set = appliedBy.get(proposal.id) ?? new Set<NodeId>();
    set.add(node.id);
    appliedBy.set(proposal.id, set);
  });
  let probe: { id: number; leader: NodeId; term: number } | undefined;
  const bound = LIVENESS_TIMEOUTS * electionTick;
  try {
    for (let round = 1; round <= bound; round++) {
      cluster.now++;
      cluster.checker.step = cluster.now;
      for (const node of cluster.upNodes()) cluster.tick(node.id);
      for (let i = 0; i < MAX_DELIVERIES_PER_ROUND && cluster.deliverNext(); i++);
      const leader = cluster.leader();
      if (leader === undefined || !leader.confState.voters.includes(leader.id)) continue;
      if (probe !== undefined && quorumApplied(appliedBy.get(probe.id), leader.confState.voters)) {
        cluster.log(`liveness: p${probe.id} applied by a quorum after ${round} rounds`);
        return { leader, rounds: round };
      }
      if (probe === undefined || probe.leader !== leader.id || probe.term !== leader.term) {
        const id = cluster.propose(leader.id);
        if (id !== undefined) probe = { id, leader: leader.id, term: leader.term };
      }
    }
  } finally {
    cluster.onAppliedEntry(undefined);
  }
  return cluster.checker.fail(
    INVARIANTS.liveness,
    `no leader committed a new proposal within ${bound} ticks of healing; ${describeNodes(cluster)}`,
  );
}

function quorumApplied(appliers: Set<NodeId> | undefined, voters: readonly NodeId[]): boolean {
  if (appliers === undefined) return false;
  let count = 0;
  for (const v of voters) if (appliers.has(v)) count++;
  return count > voters.length / 2;
}

/** One line of every node's role, term, commit and membership, for a liveness report. */
export function describeNodes(cluster: SimCluster): string {
  return [...cluster.nodes.values()]
    .map((n) => {
      if (!n.up) return `${n.id}:down`;
      const c = n.confState;
      const lead = n.core.status().softState.leader;
      return `${n.id}:${n.role} t${n.term} lead${lead} c${n.commit} a${n.applied} v[${c.voters.join(',')}] l[${c.learners.join(',')}]`;
    })
    .join('; ');
}
