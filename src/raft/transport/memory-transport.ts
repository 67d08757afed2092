import type { Clock } from '../../base/clock.ts';
import { SystemClock } from '../../base/clock.ts';
import type { Rng } from '../../base/rng.ts';
import { decodeMessage, encodeMessage } from '../codec/index.ts';
import type { Message, NodeId } from '../core/types.ts';
import type { Scheduler } from './scheduler.ts';
import { immediateScheduler } from './scheduler.ts';
import type { MessageHandler, Transport } from './types.ts';

/** How a {@link MemoryNetwork} is driven; every field has a default. */
export interface MemoryNetworkOptions {
  /** Runs delivery batches and unreachable reports later. Default: `setImmediate`. */
  readonly schedule?: Scheduler;
  /** Times {@link MemoryNetwork.delay}ed deliveries. Default: a {@link SystemClock}. */
  readonly clock?: Clock;
  /**
   * Pass every message through the wire codec (`encodeMessage` at send, `decodeMessage` at
   * delivery), so a receiver never shares an object or buffer with its sender and every
   * message is proven encodable. Default true; false hands the sender's object over as is.
   */
  readonly encode?: boolean;
}

/** Counters of a {@link MemoryNetwork}, for assertions; `dropped` counts every lost message. */
export interface MemoryNetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
}

interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly payload: Message | Buffer;
}

/**
 * An in-process network joining one {@link MemoryTransport} per member, with fault controls
 * for tests. Delivery is always asynchronous (through the scheduler, or the clock when
 * delayed) and keeps the order of messages on each link.
 *
 * Fault rules are checked when a message is sent and again when it is delivered, so a
 * partition also loses messages already in flight. A message to a member whose link is cut
 * or isolated, or that has no open endpoint, is dropped and reported to the sender's
 * `onUnreachable` handler (once per peer per `send` call), as a failed TCP connection would
 * be. A message lost to {@link MemoryNetwork.drop} is not reported.
 */
export class MemoryNetwork {
  /** What the network has carried so far. */
  readonly stats: MemoryNetworkStats = { sent: 0, delivered: 0, dropped: 0 };
  private readonly endpoints = new Map<NodeId, MemoryTransport>();
  private readonly schedule: Scheduler;
  private readonly clock: Clock;
  private readonly encode: boolean;
  private readonly cuts = new Set<string>();
  private readonly isolated = new Set<NodeId>();
  private readonly delayed = new Map<string, { count: number; lastDue: number }>();
  private dropRate = 0;
  private dropRng: Pick<Rng, 'next'> | undefined;
  private delayMs = 0;
  private queue: InFlight[] = [];
  private flushScheduled = false;

  constructor(options: MemoryNetworkOptions = {}) {
    this.schedule = options.schedule ?? immediateScheduler;
    this.clock = options.clock ?? new SystemClock();
    this.encode = options.encode ?? true;
  }

  /**
   * Opens the endpoint of member `id`. Throws if `id` already has an open endpoint: close
   * the old one first (a restarted member gets a fresh endpoint, as a process gets a socket).
   */
  endpoint(id: NodeId): MemoryTransport {
    if (this.endpoints.has(id))
      throw new Error(`member ${id} already has an open endpoint; close it first`);
    const transport = new MemoryTransport(id, {
      route: (messages, removed) => this.route(id, messages, removed),
      detach: () => {
        if (this.endpoints.get(id) === transport) this.endpoints.delete(id);
      },
    });
    this.endpoints.set(id, transport);
    return transport;
  }

  /** Cuts every link to and from `id` until {@link MemoryNetwork.heal}. */
  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  /** Cuts every link between a member of `a` and a member of `b`, both ways. */
  partition(a: readonly NodeId[], b: readonly NodeId[]): void {
    for (const x of a) {
      for (const y of b) {
        this.cut(x, y);
        this.cut(y, x);
      }
    }
  }

  /** Cuts the one-way link `from → to`; `to → from` still works. */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(linkKey(from, to));
  }

  /** Loses each message with probability `rate` in [0, 1], drawn from `rng` (seed it). */
  drop(rate: number, rng: Pick<Rng, 'next'>): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`drop rate must be in [0, 1], got ${rate}`);
    this.dropRate = rate;
    this.dropRng = rng;
  }

  /** Delivers every later message `ms` milliseconds after it is sent, on the clock. */
  delay(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`delay must be a non-negative number of ms, got ${ms}`);
    this.delayMs = ms;
  }

  /** Removes every cut, isolation, drop rate and delay. Messages already delayed still arrive. */
  heal(): void {
    this.cuts.clear();
    this.isolated.clear();
    this.dropRate = 0;
    this.dropRng = undefined;
    this.delayMs = 0;
  }

  private blocked(from: NodeId, to: NodeId): boolean {
    return this.isolated.has(from) || this.isolated.has(to) || this.cuts.has(linkKey(from, to));
  }

  private route(from: NodeId, messages: readonly Message[], removed: ReadonlySet<NodeId>): void {
    const unreachable = new Set<NodeId>();
    for (const message of messages) {
      this.stats.sent++;
      const to = message.to;
      if (removed.has(to) || !this.endpoints.has(to) || this.blocked(from, to)) {
        this.stats.dropped++;
        unreachable.add(to);
        continue;
      }
      if (this.dropRate > 0 && this.dropRng && this.dropRng.next() < this.dropRate) {
        this.stats.dropped++;
        continue;
      }
      this.enqueue({ from, to, payload: this.encode ? encodeMessage(message) : message });
    }
    if (unreachable.size > 0) {
      // Reported later, never from inside send: the caller may be in the middle of a Ready.
      this.schedule(() => {
        const sender = this.endpoints.get(from);
        for (const peer of unreachable) sender?.reportUnreachable(peer);
      });
    }
  }

  private enqueue(item: InFlight): void {
    const key = linkKey(item.from, item.to);
    const now = this.clock.now();
    const held = this.delayed.get(key);
    // While a link still holds delayed messages, later ones queue behind them on the clock
    // (equal due times fire in creation order), so shrinking the delay never reorders a link.
    if (this.delayMs > 0 || held) {
      const due = Math.max(now + this.delayMs, held?.lastDue ?? 0);
      const entry = held ?? { count: 0, lastDue: due };
      entry.count++;
      entry.lastDue = due;
      this.delayed.set(key, entry);
      this.clock.setTimer(due - now, () => {
        if (--entry.count === 0) this.delayed.delete(key);
        this.deliver(item);
      });
      return;
    }
    this.queue.push(item);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const item of batch) this.deliver(item);
  }

  private deliver(item: InFlight): void {
    const target = this.endpoints.get(item.to);
    if (!target || this.blocked(item.from, item.to)) {
      this.stats.dropped++;
      return;
    }
    const message = item.payload instanceof Uint8Array ? decodeMessage(item.payload) : item.payload;
    if (target.receive(message)) this.stats.delivered++;
    else this.stats.dropped++;
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

/** What an endpoint needs from its {@link MemoryNetwork}. */
interface MemoryLink {
  route(messages: readonly Message[], removed: ReadonlySet<NodeId>): void;
  detach(): void;
}

/**
 * One member's endpoint on a {@link MemoryNetwork}; get it from {@link MemoryNetwork.endpoint}.
 * Members are addressed by ID, so `setPeer` ignores the address: it only undoes a
 * `removePeer`, after which messages to that member are dropped and reported unreachable.
 * `send` never throws; messages arrive asynchronously, in order per link. A handler that
 * throws is a bug in the receiver: the error escapes to the scheduler.
 */
export class MemoryTransport implements Transport {
  private handler: MessageHandler | undefined;
  private unreachableHandler: ((peer: NodeId) => void) | undefined;
  private readonly removed = new Set<NodeId>();
  private closed = false;

  /** Use {@link MemoryNetwork.endpoint}; this constructor is the network's. */
  constructor(
    /** The member this endpoint belongs to. */
    readonly id: NodeId,
    private readonly link: MemoryLink,
  ) {}

  send(messages: readonly Message[]): void {
    if (this.closed || messages.length === 0) return;
    this.link.route(messages, this.removed);
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  onUnreachable(handler: (peer: NodeId) => void): void {
    this.unreachableHandler = handler;
  }

  setPeer(peer: NodeId, _address: string): void {
    this.removed.delete(peer);
  }

  removePeer(peer: NodeId): void {
    this.removed.add(peer);
  }

  /** Leaves the network: messages in flight to this endpoint are dropped. Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    this.link.detach();
    return Promise.resolve();
  }

  /** Called by the network; returns false when the endpoint cannot take the message. */
  receive(message: Message): boolean {
    if (this.closed || !this.handler) return false;
    this.handler(message);
    return true;
  }

  /** Called by the network to pass on an unreachable peer. */
  reportUnreachable(peer: NodeId): void {
    if (!this.closed) this.unreachableHandler?.(peer);
  }
}
