import { SeededRng } from '../../../src/base/rng.ts';
import { SimCluster } from './cluster.ts';
import { Driver } from './driver.ts';
import { chooseFaultProfile } from './faults.ts';
import type { FaultProfile } from './faults.ts';
import { INVARIANTS, SimViolation } from './invariants.ts';
import { healAndCheckLiveness } from './liveness.ts';
import { membershipBounds } from './membership-plan.ts';
import type { ShellFault } from './sim-node.ts';

/** One seed's run. */
export interface SeedOptions {
  readonly seed: number;
  /** Founding voters: 3 or 5. */
  readonly nodes: number;
  /** Fault-injection steps before healing; defaults to {@link DEFAULT_STEPS}. */
  readonly steps?: number;
  /** Receives the event trace (`--verbose`). */
  readonly trace?: (line: string) => void;
  /** A planted shell bug the run must catch; only the simulator's self-tests set it. */
  readonly shellFault?: ShellFault;
}

/** What one seed did, and the violation it found if any. */
export interface SeedReport {
  readonly seed: number;
  readonly nodes: number;
  readonly violation?: SimViolation;
  readonly stats: SeedStats;
}

/** Counters of what a seed exercised, for tuning and for the CLI's summary. */
export interface SeedStats {
  steps: number;
  proposals: number;
  acknowledged: number;
  committed: number;
  crashes: number;
  partitions: number;
  confChanges: number;
  transfers: number;
  snapshots: number;
  livenessRounds: number;
  elections: number;
}

/**
 * Steps per seed: about 17 election timeouts, of which about 1,500 are deliveries; sized
 * so that 2,000 seeds per configuration run in about a minute on two cores.
 */
export const DEFAULT_STEPS = 4000;

const ELECTION_TICK = 10;
const HEARTBEAT_TICK = 2;

/**
 * Runs one seed: a cluster of `nodes` voters plus a spare, driven for `steps` random events
 * (each one tick round, one delivery, one fault, one crash or restart, one proposal, one
 * membership change, one leader transfer or one snapshot), every invariant checked as it
 * goes; then the world heals and liveness is required. Everything random comes from
 * `SeededRng(seed)`, so the same options replay the same run, event for event.
 */
export function runSeed(options: SeedOptions): SeedReport {
  const rng = new SeededRng(options.seed);
  const profile = chooseFaultProfile(rng.fork('profile'));
  const stats: SeedStats = {
    steps: 0,
    proposals: 0,
    acknowledged: 0,
    committed: 0,
    crashes: 0,
    partitions: 0,
    confChanges: 0,
    transfers: 0,
    snapshots: 0,
    livenessRounds: 0,
    elections: 0,
  };
  const cluster = buildCluster(options, profile, rng);
  cluster.log(`profile ${JSON.stringify(profile)}`);
  let violation: SimViolation | undefined;
  try {
    const bounds = membershipBounds(options.nodes);
    const driver = new Driver(cluster, profile, bounds, rng.fork('driver'), stats, ELECTION_TICK);
    const steps = options.steps ?? DEFAULT_STEPS;
    for (let step = 1; step <= steps; step++) {
      cluster.now = step;
      cluster.checker.step = step;
      driver.step();
      stats.steps = step;
    }
    stats.livenessRounds = healAndCheckFinalHistory(cluster);
  } catch (err) {
    if (!(err instanceof SimViolation)) throw err;
    violation = err;
  }
  const report = { seed: options.seed, nodes: options.nodes, stats: finish(stats, cluster) };
  return violation === undefined ? report : { ...report, violation };
}

function buildCluster(options: SeedOptions, profile: FaultProfile, rng: SeededRng): SimCluster {
  return new SimCluster({
    seed: options.seed,
    nodes: options.nodes,
    settings: {
      electionTick: ELECTION_TICK,
      heartbeatTick: HEARTBEAT_TICK,
      preVote: profile.preVote,
      checkQuorum: profile.checkQuorum,
      maxSizePerMsg: profile.maxSizePerMsg,
      maxInflightMsgs: profile.maxInflightMsgs,
    },
    link: profile.link,
    rng,
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    ...(options.shellFault === undefined ? {} : { shellFault: options.shellFault }),
  });
}

/**
 * Liveness, then the end-of-seed checks against the final leader's history: every
 * acknowledged proposal is in it, and its state matches the history it applied (which
 * ties the compacted part of its log to the checked history). Returns the liveness rounds.
 */
function healAndCheckFinalHistory(cluster: SimCluster): number {
  const { leader, rounds } = healAndCheckLiveness(cluster, ELECTION_TICK);
  cluster.checker.checkAcknowledged(cluster.committedLog(leader.id));
  if (cluster.checker.historyHash(leader.applied) !== leader.stateHash) {
    cluster.checker.fail(
      INVARIANTS.stateMachineSafety,
      `leader ${leader.id}'s state at ${leader.applied} differs from the history`,
    );
  }
  return rounds;
}

function finish(stats: SeedStats, cluster: SimCluster): SeedStats {
  stats.acknowledged = cluster.checker.acknowledged;
  stats.committed = cluster.checker.maxCommitted;
  stats.elections = cluster.checker.elections;
  return stats;
}
