import type { Rng } from '../../../src/base/rng.ts';
import type { NodeId } from '../../../src/raft/core/types.ts';
import type { LinkFaults, SimNetwork } from './network.ts';

/**
 * How hostile one seed's world is. Each seed draws its own profile, so across seeds the
 * simulator covers calm networks, lossy ones, heavy partitioning and frequent crashes,
 * and the core options that change protocol paths (pre-vote, check-quorum).
 */
export interface FaultProfile {
  readonly link: LinkFaults;
  /** Relative weight of partition episodes among driver events (routine events weigh 83; 0.3 is a new
   * partition about every election timeout). */
  readonly partitionWeight: number;
  /** Relative weight of crash episodes among driver events. */
  readonly crashWeight: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Byte cap of one append; 1 sends a single entry per message, so catch-up is paged. */
  readonly maxSizePerMsg: number;
  /** Append messages in flight per follower; 1 makes replication strictly stop-and-wait. */
  readonly maxInflightMsgs: number;
}

/** Draws the fault profile of one seed. */
export function chooseFaultProfile(rng: Rng): FaultProfile {
  const calm = rng.next() < 0.15;
  const link: LinkFaults = calm
    ? { drop: 0, duplicate: 0, delay: 0, maxDelay: 0, reorder: 0 }
    : {
        drop: pick(rng, [0, 0.01, 0.05, 0.15]),
        duplicate: pick(rng, [0, 0.02, 0.1]),
        delay: pick(rng, [0, 0.05, 0.2]),
        maxDelay: pick(rng, [5, 20, 60]),
        reorder: pick(rng, [0, 0.1, 0.4]),
      };
  return {
    link,
    partitionWeight: calm ? 0 : pick(rng, [0, 0.05, 0.15, 0.3]),
    crashWeight: pick(rng, [0, 0.05, 0.15, 0.3]),
    preVote: rng.next() < 0.75,
    checkQuorum: rng.next() < 0.75,
    maxSizePerMsg: pick(rng, [1, 64, 1024 * 1024]),
    maxInflightMsgs: pick(rng, [1, 4, 256]),
  };
}

/**
 * Cuts the network in one of four shapes: isolate one node, split the nodes into two
 * groups, cut one direction between two nodes, or make one node deaf or mute (all its
 * inbound or all its outbound links cut). The single node is `focus` (the leader, where
 * faults hurt most) half the time when given. Returns a description for the trace.
 */
export function injectPartition(
  network: SimNetwork,
  ids: readonly NodeId[],
  rng: Rng,
  focus?: NodeId,
): string {
  const kind = rng.int(4);
  const a = focus !== undefined && rng.next() < 0.5 ? focus : ids[rng.int(ids.length)]!;
  const others = ids.filter((id) => id !== a);
  if (kind === 0) {
    for (const b of others) network.cutBoth(a, b);
    return `isolate ${a}`;
  }
  if (kind === 1) {
    const side = new Set(ids.filter(() => rng.next() < 0.5));
    for (const x of ids)
      for (const y of ids) if (side.has(x) && !side.has(y)) network.cutBoth(x, y);
    return `split {${[...side].join(',')}} | {${ids.filter((id) => !side.has(id)).join(',')}}`;
  }
  if (kind === 2) {
    const b = others[rng.int(others.length)]!;
    network.cut(a, b);
    return `cut ${a}->${b}`;
  }
  const deaf = rng.next() < 0.5;
  for (const b of others) {
    if (deaf) network.cut(b, a);
    else network.cut(a, b);
  }
  return deaf ? `deafen ${a}` : `mute ${a}`;
}

function pick<T>(rng: Rng, options: readonly T[]): T {
  return options[rng.int(options.length)]!;
}
