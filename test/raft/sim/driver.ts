import type { Rng } from '../../../src/base/rng.ts';
import type { SimCluster } from './cluster.ts';
import { injectPartition } from './faults.ts';
import type { FaultProfile } from './faults.ts';
import { nextConfChange } from './membership-plan.ts';
import type { MembershipBounds } from './membership-plan.ts';
import type { SimNode } from './sim-node.ts';
import type { SeedStats } from './simulation.ts';

type Action =
  | 'deliver'
  | 'tick'
  | 'propose'
  | 'partition'
  | 'crash'
  | 'strand'
  | 'confChange'
  | 'transfer'
  | 'compact';

/** Relative weights of the routine events; faults come from the seed's profile. */
const DELIVER_WEIGHT = 70;
const TICK_WEIGHT = 6;
const PROPOSE_WEIGHT = 4;
const CONF_CHANGE_WEIGHT = 1;
const TRANSFER_WEIGHT = 0.5;
const COMPACT_WEIGHT = 1.5;

/**
 * Picks and performs one event per driver step, from the seeded `rng` only.
 *
 * Faults are episodes: a crash keeps its node down, and a partition stays in place, for a
 * random 0.3 to 3 election timeouts (measured in steps at the current tick rate), after
 * which the node restarts or every cut heals. Episodes shorter than an election timeout
 * test recovery without elections; longer ones force them. At most a minority of the
 * founding members is down at once, so the cluster can make progress between episodes.
 */
export class Driver {
  private readonly weights: readonly (readonly [Action, number])[];
  private readonly total: number;
  private readonly maxDown: number;
  private readonly downUntil = new Map<number, number>();
  private healAt = 0;
  /** Mean steps per election timeout, the unit of fault durations. */
  private readonly electionSteps: number;

  constructor(
    private readonly cluster: SimCluster,
    profile: FaultProfile,
    private readonly bounds: MembershipBounds,
    private readonly rng: Rng,
    private readonly stats: SeedStats,
    electionTick: number,
  ) {
    this.weights = [
      ['deliver', DELIVER_WEIGHT],
      ['tick', TICK_WEIGHT],
      ['propose', PROPOSE_WEIGHT],
      ['partition', profile.partitionWeight],
      ['crash', profile.crashWeight],
      ['strand', Math.max(profile.crashWeight, profile.partitionWeight) / 2],
      ['confChange', CONF_CHANGE_WEIGHT],
      ['transfer', TRANSFER_WEIGHT],
      ['compact', COMPACT_WEIGHT],
    ];
    this.total = this.weights.reduce((sum, [, w]) => sum + w, 0);
    this.maxDown = Math.floor((bounds.universe.length - 2) / 2);
    this.electionSteps = (1.5 * electionTick * this.total) / TICK_WEIGHT;
  }

  /** Ends the episodes that are due, then performs one random event. */
  step(): void {
    this.endEpisodes();
    let roll = this.rng.next() * this.total;
    for (const [action, weight] of this.weights) {
      roll -= weight;
      if (roll < 0) return this.perform(action);
    }
  }

  private perform(action: Action): void {
    const c = this.cluster;
    switch (action) {
      case 'deliver':
        c.deliverNext();
        return;
      case 'tick':
        // Each node misses a tick now and then, so clocks drift apart.
        for (const n of c.upNodes()) {
          if (this.rng.next() >= 0.9) continue;
          c.tick(n.id);
          if (c.tracing) c.log(`tick ${n.id}`);
        }
        return;
      case 'propose':
        return this.propose();
      case 'partition':
        return this.partition();
      case 'crash':
        return this.crash();
      case 'strand':
        return this.strand();
      case 'confChange':
        return this.confChange();
      case 'transfer':
        return this.transfer();
      case 'compact':
        return this.compact();
    }
  }

  private endEpisodes(): void {
    const c = this.cluster;
    for (const [id, until] of this.downUntil) {
      if (until > c.now) continue;
      this.downUntil.delete(id);
      c.restart(id);
    }
    if (this.healAt !== 0 && this.healAt <= c.now) {
      this.healAt = 0;
      c.network.healAll();
      c.log('heal all links');
    }
  }

  /** A random episode length: 0.3 to 3 election timeouts. */
  private episode(): number {
    return Math.round(this.electionSteps * (0.3 + 2.7 * this.rng.next()));
  }

  private propose(): void {
    const c = this.cluster;
    const leader = c.leader();
    // Without a leader nearly every proposal is refused; a few still exercise that path.
    if (leader === undefined && this.rng.next() < 0.8) return;
    // Mostly to the leader, in bursts, so a leader about to fail leaves an uncommitted tail.
    const target = this.rng.next() < 0.7 ? (leader ?? this.anyUp()) : this.anyUp();
    const burst = 1 + this.rng.int(3);
    for (let i = 0; i < burst && target !== undefined; i++)
      if (c.propose(target.id) !== undefined) this.stats.proposals++;
  }

  private partition(): void {
    const c = this.cluster;
    // Mostly one shape at a time; sometimes shapes pile up into something stranger.
    if (this.rng.next() < 0.7) c.network.healAll();
    c.log(`partition: ${injectPartition(c.network, c.ids, this.rng, c.leader()?.id)}`);
    this.healAt = Math.max(this.healAt, c.now + this.episode());
    this.stats.partitions++;
  }

  private crash(): void {
    if (this.downUntil.size >= this.maxDown) return;
    // Leaders are where crashes hurt: half the crashes go to one.
    const victim = (this.rng.next() < 0.5 ? this.cluster.leader() : undefined) ?? this.anyUp();
    if (victim === undefined) return;
    this.cluster.crash(victim.id);
    this.downUntil.set(victim.id, this.cluster.now + this.episode());
    this.stats.crashes++;
  }

  /**
   * Leaves an uncommitted tail behind: a burst of proposals on the leader, a few random
   * deliveries (so some followers get part of it), then the leader crashes or is isolated.
   * This is what makes logs diverge, the raw material of Figure 8 of the Raft paper.
   */
  private strand(): void {
    const c = this.cluster;
    const leader = c.leader();
    if (leader === undefined) return;
    c.log(`strand leader ${leader.id}`);
    const burst = 1 + this.rng.int(4);
    for (let i = 0; i < burst; i++) if (c.propose(leader.id) !== undefined) this.stats.proposals++;
    const deliveries = this.rng.int(2 * c.nodes.size);
    for (let i = 0; i < deliveries; i++) c.deliverNext();
    if (this.rng.next() < 0.5 && this.downUntil.size < this.maxDown) {
      c.crash(leader.id);
      this.downUntil.set(leader.id, c.now + this.episode());
      this.stats.crashes++;
    } else {
      c.network.healAll();
      for (const id of c.ids) if (id !== leader.id) c.network.cutBoth(leader.id, id);
      c.log(`partition: isolate ${leader.id}`);
      this.healAt = Math.max(this.healAt, c.now + this.episode());
      this.stats.partitions++;
    }
  }

  private confChange(): void {
    const target = this.cluster.leader() ?? this.anyUp();
    if (target === undefined) return;
    const cc = nextConfChange(target.confState, this.bounds, this.rng);
    if (cc !== undefined && this.cluster.proposeConfChange(target.id, cc)) this.stats.confChanges++;
  }

  private transfer(): void {
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const others = leader.confState.voters.filter((id) => id !== leader.id);
    if (others.length === 0) return;
    this.cluster.transferLeader(leader.id, others[this.rng.int(others.length)]!);
    this.stats.transfers++;
  }

  private compact(): void {
    const target = this.anyUp();
    if (target === undefined) return;
    this.cluster.compact(target.id, this.rng.next() < 0.3 ? 0 : this.rng.int(20));
    this.stats.snapshots++;
  }

  private anyUp(): SimNode | undefined {
    const up = this.cluster.upNodes();
    return up.length === 0 ? undefined : up[this.rng.int(up.length)];
  }
}
