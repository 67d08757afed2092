import type { Rng } from '../../../src/base/rng.ts';
import type { ConfChange, ConfState, NodeId } from '../../../src/raft/core/types.ts';

/** The bounds a seed's membership moves within. */
export interface MembershipBounds {
  /** Every node id that exists (members and spares). */
  readonly universe: readonly NodeId[];
  readonly minVoters: number;
  readonly maxVoters: number;
}

/**
 * The bounds for a configuration of `nodes` founding voters: one spare id exists; voters
 * stay between 3 and 5 in the 5-node configuration and between 2 and 3 in the 3-node one,
 * so removal (the leader included) and re-adding (the removed node or the spare) both happen.
 */
export function membershipBounds(nodes: number): MembershipBounds {
  return {
    universe: Array.from({ length: nodes + 1 }, (_, i) => i + 1),
    minVoters: nodes >= 5 ? 3 : 2,
    maxVoters: nodes,
  };
}

/**
 * The next membership change to try from `conf`, the single-server change schedule of
 * Raft §4.1: a learner is promoted (or removed when voters are at the maximum), otherwise
 * a random voter (possibly the leader) is removed or demoted, or a non-member is added as a
 * learner.
 * Returns undefined when no change fits the bounds.
 */
export function nextConfChange(
  conf: ConfState,
  bounds: MembershipBounds,
  rng: Rng,
): ConfChange | undefined {
  const learner = conf.learners[0];
  if (learner !== undefined) {
    const promote = conf.voters.length < bounds.maxVoters && rng.next() < 0.85;
    return { type: promote ? 'addVoter' : 'removeNode', nodeId: learner };
  }
  const options: ConfChange[] = [];
  if (conf.voters.length > bounds.minVoters) {
    options.push({ type: 'removeNode', nodeId: conf.voters[rng.int(conf.voters.length)]! });
    if (rng.next() < 0.3)
      options.push({ type: 'addLearner', nodeId: conf.voters[rng.int(conf.voters.length)]! });
  }
  const outsiders = bounds.universe.filter((id) => !conf.voters.includes(id));
  if (outsiders.length > 0 && conf.voters.length < bounds.maxVoters) {
    options.push({ type: 'addLearner', nodeId: outsiders[rng.int(outsiders.length)]! });
  }
  return options.length === 0 ? undefined : options[rng.int(options.length)];
}
