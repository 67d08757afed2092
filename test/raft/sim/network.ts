import type { Rng } from '../../../src/base/rng.ts';
import type { Message, NodeId } from '../../../src/raft/core/types.ts';

/** Per-message fault rates of the simulated network; all zero means a perfect network. */
export interface LinkFaults {
  /** Probability that a sent message is lost. */
  readonly drop: number;
  /** Probability that a sent message is delivered twice (each copy with its own delay). */
  readonly duplicate: number;
  /** Probability that a message is held back by a random delay of up to `maxDelay` steps. */
  readonly delay: number;
  readonly maxDelay: number;
  /** Probability that delivery picks a random due message instead of the oldest one. */
  readonly reorder: number;
}

/** A perfect network: nothing lost, duplicated, delayed or reordered. */
export const NO_LINK_FAULTS: LinkFaults = {
  drop: 0,
  duplicate: 0,
  delay: 0,
  maxDelay: 0,
  reorder: 0,
};

/** A message on the wire, with the step at which it may arrive and who sent it. */
export interface InFlight {
  readonly message: Message;
  /** The earliest driver step at which the message may be delivered. */
  readonly dueAt: number;
  /** The sender's incarnation, so a snapshot report never reaches a restarted sender. */
  readonly senderIncarnation: number;
}

/** How many due messages delivery looks at when it reorders. */
const REORDER_WINDOW = 8;

/**
 * The wire between simulated nodes: a queue of in-flight messages plus a set of directed
 * cuts. Faults are drawn from the seeded `rng` only, so a seed replays exactly. A cut drops
 * a message both when it is sent and when it would be delivered, so a partition also loses
 * what was already crossing it. The queue is bounded (`capacity`): a send into a full
 * queue is lost, as a full socket buffer would lose it.
 */
export class SimNetwork {
  faults: LinkFaults;
  private queue: InFlight[] = [];
  private readonly cuts = new Set<number>();
  private readonly rng: Rng;
  private readonly capacity: number;

  constructor(rng: Rng, faults: LinkFaults, capacity: number) {
    this.rng = rng;
    this.faults = faults;
    this.capacity = capacity;
  }

  /** Messages in flight. */
  get size(): number {
    return this.queue.length;
  }

  /**
   * Puts `message` on the wire at step `now`; returns how many copies were queued (0 when
   * it was lost to a cut, to chance or to a full queue).
   */
  send(message: Message, now: number, senderIncarnation: number): number {
    if (this.isCut(message.from, message.to) || this.chance(this.faults.drop)) return 0;
    const copies = this.chance(this.faults.duplicate) ? 2 : 1;
    let queued = 0;
    for (let i = 0; i < copies && this.queue.length < this.capacity; i++) {
      this.queue.push({ message, dueAt: now + this.drawDelay(), senderIncarnation });
      queued++;
    }
    return queued;
  }

  /**
   * Takes the next message due at step `now` off the wire: usually the oldest due one, with
   * probability `reorder` a random one among the first few due. `undefined` when none is due.
   */
  take(now: number): InFlight | undefined {
    const due: number[] = [];
    for (let i = 0; i < this.queue.length && due.length < REORDER_WINDOW; i++) {
      if (this.queue[i]!.dueAt <= now) due.push(i);
      if (due.length === 1 && !(this.faults.reorder > 0)) break;
    }
    if (due.length === 0) return undefined;
    const pick =
      due.length > 1 && this.chance(this.faults.reorder) ? due[this.rng.int(due.length)]! : due[0]!;
    const [taken] = this.queue.splice(pick, 1);
    return taken;
  }

  /** Makes every message in flight due now (the network has healed; only order remains). */
  releaseDelays(): void {
    this.queue = this.queue.map((f) => ({ ...f, dueAt: 0 }));
  }

  /** Loses messages from `from` to `to` until healed (a one-way cut). */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(linkKey(from, to));
  }

  /** Cuts both directions between `a` and `b`. */
  cutBoth(a: NodeId, b: NodeId): void {
    this.cut(a, b);
    this.cut(b, a);
  }

  /** Removes every cut. */
  healAll(): void {
    this.cuts.clear();
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.size > 0 && this.cuts.has(linkKey(from, to));
  }

  /** Number of directed cuts in place. */
  get cutCount(): number {
    return this.cuts.size;
  }

  private drawDelay(): number {
    return this.chance(this.faults.delay) ? 1 + this.rng.int(Math.max(1, this.faults.maxDelay)) : 0;
  }

  private chance(p: number): boolean {
    return p > 0 && this.rng.next() < p;
  }
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * 4096 + to;
}
