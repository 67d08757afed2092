import { MemoryStorage, RaftCore, decodeConfChange } from '../../../../src/raft/core/index.ts';
import type {
  ConfState,
  Entry,
  HardState,
  Message,
  MessageType,
  NodeId,
  RaftConfig,
  ReadState,
  Ready,
  Snapshot,
  Status,
} from '../../../../src/raft/core/types.ts';

/** How one member of a test {@link Network} starts. */
export interface PeerOptions {
  readonly voters: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  /** Entries already durable before the core starts, e.g. a log of the paper's Figure 7. */
  readonly log?: readonly Entry[];
  /** Durable hard state to start from; default term 0, no vote, commit 0. */
  readonly hardState?: HardState;
  readonly config?: PeerConfig;
}

/** Overrides of a member's core configuration (preVote, checkQuorum, electionTick...). */
export type PeerConfig = Partial<Omit<RaftConfig, 'id' | 'storage' | 'applied'>>;

/** One member: its core, the storage its shell keeps current, and what it has applied. */
export interface Peer {
  readonly id: NodeId;
  readonly core: RaftCore;
  readonly storage: MemoryStorage;
  /** Committed entries handed to the application, in order (snapshots not included). */
  readonly applied: Entry[];
  /** Read states handed to the application, in order. */
  readonly readStates: ReadState[];
  /** Snapshots received from the leader and installed, in order. */
  readonly installed: Snapshot[];
}

/** Observers of {@link Network.processReady}, used by the interaction tests to print Readys. */
export type ReadyListener = (id: NodeId, ready: Ready) => void;

/**
 * Unless a test overrides them: 10-tick elections, a heartbeat every tick, and `random`
 * returning 0, so every randomised election timeout is exactly `electionTick`.
 */
const DEFAULTS = { electionTick: 10, heartbeatTick: 1, random: () => 0 } as const;

/**
 * A deterministic network of {@link RaftCore}s for scenario tests, in the shape of etcd's
 * test network. Nothing moves unless the test says so: `tick` ticks one core,
 * `processReady` plays a shell (persist, queue messages, apply, advance) and `deliver`
 * steps queued messages into their recipients. Cuts drop messages at delivery time, so a
 * partition only loses what crosses it. Every message delivered or dropped is recorded.
 */
export class Network {
  readonly peers = new Map<NodeId, Peer>();
  /** Messages sent and not yet delivered or dropped, in send order. */
  pending: Message[] = [];
  /** Every message stepped into a recipient, in delivery order. */
  readonly delivered: Message[] = [];
  /** Every message lost to a cut or a drop rule. */
  readonly dropped: Message[] = [];
  /** Extra drop rule: a message for which it returns true is lost. */
  dropIf: ((m: Message) => boolean) | undefined;
  readonly onReady: ReadyListener[] = [];
  private readonly cuts = new Set<string>();
  private readonly configs = new Map<NodeId, PeerConfig>();

  /**
   * Adds a member; its core starts from `options` as if restarted from durable state. A
   * member with an empty log bootstraps: entries 1..n become `addVoter`/`addLearner`
   * changes of term 1, already committed and applied when this returns.
   */
  add(id: NodeId, options: PeerOptions): Peer {
    const confState: ConfState = {
      voters: [...options.voters],
      learners: [...(options.learners ?? [])],
    };
    const storage = new MemoryStorage(confState);
    if (options.log !== undefined && options.log.length > 0) storage.append([...options.log]);
    if (options.hardState !== undefined) storage.setHardState(options.hardState);
    return this.start(id, storage, options.config ?? {}, 0);
  }

  /**
   * Crashes `id` and starts a fresh core on what its storage holds, as a process restart
   * would: messages in flight to or from it are lost, and the application restores the
   * snapshot (so applied starts at the snapshot's index).
   */
  restart(id: NodeId): Peer {
    const old = this.peer(id);
    this.pending = this.pending.filter((m) => m.to !== id && m.from !== id);
    const applied = old.storage.snapshot().metadata.index;
    return this.start(id, old.storage, this.configs.get(id) ?? {}, applied);
  }

  private start(id: NodeId, storage: MemoryStorage, config: PeerConfig, applied: number): Peer {
    const core = new RaftCore({ ...DEFAULTS, ...config, applied, id, storage });
    const peer: Peer = { id, core, storage, applied: [], readStates: [], installed: [] };
    this.peers.set(id, peer);
    this.configs.set(id, config);
    // A fresh member writes its bootstrap membership as committed conf-change entries of
    // term 1; the shell persists and applies them before anything else happens.
    this.processReady(id);
    return peer;
  }

  peer(id: NodeId): Peer {
    const peer = this.peers.get(id);
    if (peer === undefined) throw new Error(`no peer ${id}`);
    return peer;
  }

  status(id: NodeId): Status {
    return this.peer(id).core.status();
  }

  /** Ticks one core `n` times, handling its Readys in between so timers see fresh state. */
  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) {
      this.peer(id).core.tick();
      this.processReady(id);
    }
  }

  /** Starts an election on `id` (pre-vote first when enabled), as the shell's `campaign()`. */
  campaign(id: NodeId): void {
    this.peer(id).core.campaign();
    this.processReady(id);
  }

  /** Proposes UTF-8 `text` on `id`; throws what the core throws (ProposalDroppedError). */
  propose(id: NodeId, text: string): void {
    this.peer(id).core.propose(new TextEncoder().encode(text));
    this.processReady(id);
  }

  /**
   * Plays the shell for one Ready of `id`, in the order Ready's contract requires: persist
   * snapshot, entries and hard state; queue the messages; apply (conf changes included);
   * advance. Returns whether there was a Ready.
   */
  processReady(id: NodeId): boolean {
    const peer = this.peer(id);
    if (!peer.core.hasReady()) return false;
    const ready = peer.core.ready();
    for (const listener of this.onReady) listener(id, ready);
    if (ready.snapshot !== undefined) {
      peer.storage.applySnapshot(ready.snapshot);
      peer.installed.push(ready.snapshot);
    }
    if (ready.entries.length > 0) peer.storage.append([...ready.entries]);
    if (ready.hardState !== undefined) peer.storage.setHardState(ready.hardState);
    this.pending.push(...ready.messages);
    for (const entry of ready.committedEntries) {
      peer.applied.push(entry);
      if (entry.type === 'confChange') peer.core.applyConfChange(decodeConfChange(entry.data));
    }
    peer.readStates.push(...ready.readStates);
    peer.core.advance(ready);
    return true;
  }

  /**
   * Plays the application taking a snapshot of `id` at its last applied index and
   * compacting the log up to it. The image is the applied payloads, one per line.
   */
  compact(id: NodeId): Snapshot {
    const peer = this.peer(id);
    const { applied, confState } = peer.core.status();
    const image = new TextEncoder().encode(texts(peer.applied).join('\n'));
    const snapshot = peer.storage.createSnapshot(applied, confState, image);
    peer.storage.compact(applied);
    return snapshot;
  }

  /** Handles the Ready of every member once; returns whether any had one. */
  processAll(): boolean {
    let any = false;
    for (const id of this.peers.keys()) any = this.processReady(id) || any;
    return any;
  }

  /**
   * Steps every queued message matching `filter` (default: all) into its recipient, in
   * send order, dropping those that cross a cut or match `dropIf`. Messages the recipients
   * send in reply are queued, not delivered. Returns the messages delivered.
   */
  deliver(filter: (m: Message) => boolean = () => true): Message[] {
    const now = this.pending.filter(filter);
    this.pending = this.pending.filter((m) => !filter(m));
    const done: Message[] = [];
    for (const m of now) {
      const to = this.peers.get(m.to);
      if (to === undefined || this.isCut(m.from, m.to) || this.dropIf?.(m) === true) {
        this.dropped.push(m);
        continue;
      }
      to.core.step(m);
      this.delivered.push(m);
      done.push(m);
    }
    return done;
  }

  /** Handles Readys and delivers messages until nothing moves (bounded, to catch livelock). */
  stabilize(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      const hadReady = this.processAll();
      if (!hadReady && this.pending.length === 0) return;
      this.deliver();
    }
    throw new Error(`network did not stabilize in ${maxRounds} rounds`);
  }

  /** Loses every message between `a` and `b`, both ways, until {@link heal}. */
  cut(a: NodeId, b: NodeId): void {
    this.cuts.add(pairKey(a, b));
  }

  /** Cuts `id` from every other member. */
  isolate(id: NodeId): void {
    for (const other of this.peers.keys()) if (other !== id) this.cut(id, other);
  }

  /** Cuts every link between members of different groups. */
  partition(...groups: readonly (readonly NodeId[])[]): void {
    groups.forEach((group, i) => {
      for (const other of groups.slice(i + 1))
        for (const a of group) for (const b of other) this.cut(a, b);
    });
  }

  /** Restores every link and clears `dropIf`. */
  heal(): void {
    this.cuts.clear();
    this.dropIf = undefined;
  }

  isCut(a: NodeId, b: NodeId): boolean {
    return this.cuts.has(pairKey(a, b));
  }

  /** Messages of `type` delivered from `from` to `to` so far. */
  countDelivered(type: MessageType, from: NodeId, to: NodeId): number {
    return this.delivered.filter((m) => m.type === type && m.from === from && m.to === to).length;
  }

  /** The durable log of `id`, from its first retained index to its last. */
  log(id: NodeId): Entry[] {
    const { storage } = this.peer(id);
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    return last < first ? [] : storage.entries(first, last + 1, Number.MAX_SAFE_INTEGER);
  }

  /** The terms of the durable log of `id`, in index order, for compact assertions. */
  logTerms(id: NodeId): number[] {
    return this.log(id).map((e) => e.term);
  }

  /** The members that believe they lead, with their terms. */
  leaders(): { id: NodeId; term: number }[] {
    const found: { id: NodeId; term: number }[] = [];
    for (const [id, peer] of this.peers) {
      const status = peer.core.status();
      if (status.softState.role === 'leader') found.push({ id, term: status.hardState.term });
    }
    return found;
  }
}

/** Builds a log whose entry `i + 1` has term `terms[i]`, with the index as its payload. */
export function logOfTerms(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => ({
    term,
    index: i + 1,
    type: 'normal',
    data: new TextEncoder().encode(`e${i + 1}`),
  }));
}

/** The payloads of `entries` as text, skipping leader no-ops and conf changes. */
export function texts(entries: readonly Entry[]): string[] {
  return entries
    .filter((e) => e.type === 'normal' && e.data.length > 0)
    .map((e) => new TextDecoder().decode(e.data));
}

function pairKey(a: NodeId, b: NodeId): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** A network of voters `1..size`, all with empty logs and the same config overrides. */
export function newCluster(size: number, config: PeerOptions['config'] = {}): Network {
  const net = new Network();
  const voters = Array.from({ length: size }, (_, i) => i + 1);
  for (const id of voters) net.add(id, { voters, config });
  return net;
}

/** Campaigns `id` and stabilizes; throws unless `id` then leads the highest term. */
export function elect(net: Network, id: NodeId): void {
  net.campaign(id);
  net.stabilize();
  const leaders = net.leaders().sort((a, b) => b.term - a.term);
  if (leaders[0]?.id !== id)
    throw new Error(`expected ${id} to lead, leaders are ${JSON.stringify(leaders)}`);
}
