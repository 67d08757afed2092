import { decodeConfChange } from '../../../../src/raft/core/conf-change-codec.ts';
import { MemoryStorage } from '../../../../src/raft/core/memory-storage.ts';
import { RaftCore } from '../../../../src/raft/core/raft-core.ts';
import type {
  ConfState,
  Entry,
  Message,
  NodeId,
  RaftConfig,
  Ready,
} from '../../../../src/raft/core/types.ts';
import { SeededRng } from '../../../../src/base/rng.ts';

/** Options shared by every node of a {@link Network}, minus what the network supplies. */
export type NodeOptions = Partial<Omit<RaftConfig, 'id' | 'storage' | 'random'>>;

/** One member of a {@link Network}: its core, its "durable" storage and what it applied. */
export interface NetNode {
  readonly id: NodeId;
  core: RaftCore;
  readonly storage: MemoryStorage;
  /** Normal entries applied, in order (restarts replay from the storage snapshot). */
  applied: Entry[];
  /** The membership returned by the last applied conf change (or the initial one). */
  confState: ConfState;
}

/**
 * A deterministic in-memory network of RaftCores for tests (etcd's `network` shape). Each
 * Ready is handled in the contract's order: persist into the node's MemoryStorage, queue
 * the messages, apply committed entries (conf changes through `applyConfChange`), advance.
 * Messages are delivered FIFO; `drop` and `cut`/`isolate` filter them.
 */
export class Network {
  readonly nodes = new Map<NodeId, NetNode>();
  /** Messages sent and not yet delivered, oldest first. */
  queue: Message[] = [];
  /** Every message delivered, for assertions. */
  delivered: Message[] = [];
  /** Called for every committed entry a node applies (replays after a restart included). */
  onApply: (id: NodeId, entry: Entry) => void = () => undefined;
  /** Return true to drop a message instead of delivering it. */
  drop: (m: Message) => boolean = () => false;
  private readonly cuts = new Set<string>();
  private readonly rng: SeededRng;

  /** Builds `voters` (plus `learners`) bootstrapped with the same membership. */
  constructor(
    voters: readonly NodeId[],
    readonly options: NodeOptions = {},
    learners: readonly NodeId[] = [],
    seed = 1,
  ) {
    this.rng = new SeededRng(seed);
    const confState: ConfState = { voters: [...voters], learners: [...learners] };
    for (const id of [...voters, ...learners]) this.add(id, new MemoryStorage(confState));
  }

  /** Adds a node over `storage` (a fresh joiner gets an empty storage with no members). */
  add(id: NodeId, storage: MemoryStorage = new MemoryStorage()): NetNode {
    const node: NetNode = {
      id,
      core: this.makeCore(id, storage, storage.snapshot().metadata.index),
      storage,
      applied: [],
      confState: storage.initialState().confState,
    };
    this.nodes.set(id, node);
    return node;
  }

  node(id: NodeId): NetNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  core(id: NodeId): RaftCore {
    return this.node(id).core;
  }

  /**
   * Rebuilds `id` from its storage alone, as after a crash: volatile state and queued
   * messages to it are lost; the state machine restarts from the storage snapshot.
   */
  restart(id: NodeId, extra: NodeOptions = {}): RaftCore {
    const node = this.node(id);
    node.core = this.makeCore(id, node.storage, node.storage.snapshot().metadata.index, extra);
    node.applied = [];
    node.confState = node.storage.initialState().confState;
    for (const m of this.queue) if (m.to === id) this.lose(m);
    this.queue = this.queue.filter((m) => m.to !== id);
    return node.core;
  }

  /** Handles every pending Ready of `id`; returns whether there was one. */
  processReady(id: NodeId): boolean {
    const node = this.node(id);
    if (!node.core.hasReady()) return false;
    const rd = node.core.ready();
    this.persist(node, rd);
    this.queue.push(...rd.messages);
    this.apply(node, rd);
    node.core.advance(rd);
    return true;
  }

  /** Processes Readies and delivers messages until nothing moves (bounded). */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const id of [...this.nodes.keys()].sort((a, b) => a - b))
        moved = this.processReady(id) || moved;
      if (this.queue.length > 0) {
        moved = true;
        this.deliverAll();
      }
      if (!moved) return;
    }
    throw new Error('network did not stabilize');
  }

  /** Like {@link stabilize}, leaving the Readies of `id` for the caller to inspect. */
  stabilizeExcept(id: NodeId, maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const other of [...this.nodes.keys()].sort((a, b) => a - b)) {
        if (other !== id) moved = this.processReady(other) || moved;
      }
      if (this.queue.length > 0) {
        moved = true;
        this.deliverAll();
      }
      if (!moved) return;
    }
    throw new Error('network did not stabilize');
  }

  /** Delivers the messages queued now (not those their handling sends). */
  deliverAll(): void {
    const batch = this.queue;
    this.queue = [];
    for (const m of batch) this.deliver(m);
  }

  /**
   * Steps `m` into its recipient unless dropped, cut or addressed to an unknown node. Like
   * a transport, it reports the fate of every snapshot to the sender.
   */
  deliver(m: Message): void {
    const node = this.nodes.get(m.to);
    const lost = this.drop(m) || this.cuts.has(`${m.from}-${m.to}`) || node === undefined;
    if (!lost) {
      this.delivered.push(m);
      node.core.step(m);
    }
    if (m.type === 'snap') this.nodes.get(m.from)?.core.reportSnapshot(m.to, !lost);
  }

  /** Loses `m` as a failing transport would (a lost snapshot is reported to its sender). */
  lose(m: Message): void {
    if (m.type === 'snap') this.nodes.get(m.from)?.core.reportSnapshot(m.to, false);
  }

  /** Ticks `id` (or every node) `n` times, stabilising after each tick. */
  tick(ids: NodeId | readonly NodeId[], n = 1): void {
    const list = typeof ids === 'number' ? [ids] : ids;
    for (let i = 0; i < n; i++) {
      for (const id of list) this.core(id).tick();
      this.stabilize();
    }
  }

  /** Campaigns `id` and stabilises. */
  elect(id: NodeId): void {
    this.core(id).campaign();
    this.stabilize();
  }

  /** Cuts both directions between `a` and `b`. */
  cut(a: NodeId, b: NodeId): void {
    this.cuts.add(`${a}-${b}`);
    this.cuts.add(`${b}-${a}`);
  }

  /** Cuts `id` from every other node. */
  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cut(id, other);
  }

  /** Restores every link. */
  heal(): void {
    this.cuts.clear();
  }

  /** The IDs of nodes that believe they are leader. */
  leaders(): NodeId[] {
    return [...this.nodes.values()]
      .filter((n) => n.core.status().softState.role === 'leader')
      .map((n) => n.id);
  }

  /** Proposes `text` on `id` and stabilises. */
  propose(id: NodeId, text: string): void {
    this.core(id).propose(new TextEncoder().encode(text));
    this.stabilize();
  }

  /** The applied normal payloads of `id` as strings (empty no-ops skipped). */
  appliedText(id: NodeId): string[] {
    return this.node(id)
      .applied.filter((e) => e.data.byteLength > 0)
      .map((e) => new TextDecoder().decode(e.data));
  }

  private makeCore(
    id: NodeId,
    storage: MemoryStorage,
    applied: number,
    extra: NodeOptions = {},
  ): RaftCore {
    const random = this.rng.fork(`node-${id}`);
    return new RaftCore({
      ...this.options,
      ...extra,
      id,
      storage,
      applied,
      random: () => random.next(),
    });
  }

  private persist(node: NetNode, rd: Ready): void {
    if (rd.snapshot !== undefined) node.storage.applySnapshot(rd.snapshot);
    node.storage.append(rd.entries);
    if (rd.hardState !== undefined) node.storage.setHardState(rd.hardState);
  }

  private apply(node: NetNode, rd: Ready): void {
    if (rd.snapshot !== undefined) {
      node.applied = [];
      node.confState = rd.snapshot.metadata.confState;
    }
    for (const e of rd.committedEntries) {
      this.onApply(node.id, e);
      if (e.type === 'confChange')
        node.confState = node.core.applyConfChange(decodeConfChange(e.data));
      else node.applied.push(e);
    }
  }
}
