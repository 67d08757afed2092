import type { Rng } from '../../../src/base/rng.ts';
import { MemoryStorage, RaftCore, decodeConfChange } from '../../../src/raft/core/index.ts';
import type {
  ConfState,
  Message,
  NodeId,
  Ready,
  Role,
  Snapshot,
} from '../../../src/raft/core/types.ts';
import type { DurableStore } from './durable-store.ts';
import { INVARIANTS } from './invariants.ts';
import type { InvariantChecker } from './invariants.ts';
import type { Proposal } from './payload.ts';
import { HashStateMachine } from './state-machine.ts';

/** Core settings shared by every node of a seed. */
export interface CoreSettings {
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxSizePerMsg: number;
  readonly maxInflightMsgs: number;
}

/**
 * A deliberate shell bug, for the simulator's own tests (it must catch the damage):
 * `ignoreMustSync` never fsyncs a Ready, so a crash loses votes, terms and entries the node
 * already acted on.
 */
export type ShellFault = 'ignoreMustSync';

/** What a node needs from the cluster around it while it handles a Ready. */
export interface NodeHost {
  readonly checker: InvariantChecker;
  readonly shellFault: ShellFault | undefined;
  /** Hands a message of the current Ready to the network. */
  send(message: Message, from: SimNode): void;
  /** Adds a line to the trace. */
  log(line: string): void;
  /** Called for every entry applied, after the checks. */
  onApplied(node: SimNode, proposal: Proposal | undefined): void;
}

/** Everything a crash destroys: the core, its storage view, the state machine. */
interface Volatile {
  readonly core: RaftCore;
  readonly storage: MemoryStorage;
  sm: HashStateMachine;
  confState: ConfState;
  role: Role;
  term: number;
  commit: number;
}

/** A Ready loop that never drains is a core bug, not something to wait out. */
const MAX_READY_ROUNDS = 64;

/**
 * One simulated member: a {@link DurableStore} that survives crashes and, while up, a
 * RaftCore over a MemoryStorage rebuilt from it. `drain()` plays the shell exactly as the
 * Ready contract orders (persist, fsync when `mustSync`, send, apply, advance) and reports
 * every persisted, committed and applied entry to the invariant checker.
 */
export class SimNode {
  readonly id: NodeId;
  readonly durable: DurableStore;
  /** Bumped at every restart; messages carry it so stale snapshot reports are not delivered. */
  incarnation = 0;
  private live: Volatile | undefined;
  private readonly settings: CoreSettings;
  private readonly rng: Rng;
  private readonly host: NodeHost;
  private readonly bootstrap: ConfState | undefined;

  /** `bootstrap` is the founding membership, used only while the durable store is pristine. */
  constructor(
    id: NodeId,
    durable: DurableStore,
    settings: CoreSettings,
    rng: Rng,
    host: NodeHost,
    bootstrap?: ConfState,
  ) {
    this.id = id;
    this.bootstrap = bootstrap;
    this.durable = durable;
    this.settings = settings;
    this.rng = rng;
    this.host = host;
  }

  get up(): boolean {
    return this.live !== undefined;
  }

  /** The running core; throws when the node is down. */
  get core(): RaftCore {
    return this.running().core;
  }

  get storage(): MemoryStorage {
    return this.running().storage;
  }

  get role(): Role {
    return this.live?.role ?? 'follower';
  }

  get term(): number {
    return this.live?.term ?? this.durable.hardState.term;
  }

  get commit(): number {
    return this.live?.commit ?? 0;
  }

  get applied(): number {
    return this.live?.sm.applied ?? 0;
  }

  get stateHash(): number {
    return this.live?.sm.hash ?? 0;
  }

  /** The membership as of the last entry this node applied. */
  get confState(): ConfState {
    return this.running().confState;
  }

  /** Starts the node from its durable state only, as a process restart would. */
  start(): void {
    if (this.live !== undefined) throw new Error(`node ${this.id} is already up`);
    this.incarnation++;
    const fresh = this.durable.pristine && this.bootstrap !== undefined;
    const storage = new MemoryStorage(fresh ? this.bootstrap : undefined);
    const snap = this.durable.snapshot;
    if (snap !== undefined) storage.applySnapshot(snap);
    storage.append(this.durable.entriesAfterSnapshot());
    const hardState = this.durable.hardState;
    storage.setHardState(hardState);
    const applied = snap?.metadata.index ?? 0;
    const random = this.rng.fork(`incarnation-${this.incarnation}`);
    const core = new RaftCore({
      ...this.settings,
      id: this.id,
      storage,
      applied,
      random: () => random.next(),
    });
    let sm =
      snap === undefined ? new HashStateMachine(0, 0) : HashStateMachine.fromImage(snap.data);
    if (snap !== undefined)
      this.host.checker.observeSnapshot(this.id, applied, snap.metadata.term, sm.hash);
    if (fresh) {
      // A bootstrapping core writes the founding membership as committed conf changes that
      // it counts as applied and never hands out; the state machine starts after them.
      sm = new HashStateMachine(core.status().applied, 0);
      this.host.checker.observeState(this.id, sm.applied, sm.hash);
    }
    this.live = {
      core,
      storage,
      sm,
      confState: storage.initialState().confState,
      role: 'follower',
      term: hardState.term,
      commit: hardState.commit,
    };
  }

  /** Loses everything volatile and every unsynced write. */
  crash(): void {
    this.live = undefined;
    this.durable.crash();
  }

  /** Handles Readys until the core has none. */
  drain(): void {
    const live = this.running();
    for (let round = 0; live.core.hasReady(); round++) {
      if (round >= MAX_READY_ROUNDS)
        this.host.checker.fail(INVARIANTS.coreError, `node ${this.id} never runs out of Readys`);
      this.handle(live, live.core.ready());
    }
  }

  /**
   * Takes a snapshot of the state machine at the applied index and compacts the log up to
   * `keep` entries before it. Returns the snapshot index, or undefined when there is nothing new.
   */
  takeSnapshot(keep: number): number | undefined {
    const live = this.running();
    const index = live.sm.applied;
    if (index <= live.storage.snapshot().metadata.index) return undefined;
    const snap = live.storage.createSnapshot(index, live.confState, live.sm.image());
    const compactIndex = Math.max(live.storage.firstIndex() - 1, index - keep);
    if (compactIndex >= live.storage.firstIndex()) live.storage.compact(compactIndex);
    this.durable.saveSnapshot(snap, compactIndex);
    return index;
  }

  private handle(live: Volatile, rd: Ready): void {
    const { checker } = this.host;
    this.persist(live, rd);
    if (rd.softState !== undefined) {
      live.role = rd.softState.role;
      if (live.role === 'leader') {
        const term = live.core.status().hardState.term;
        this.host.log(`node ${this.id} leads term ${term}`);
        checker.observeLeader(this.id, term, live.storage);
      }
    }
    for (const m of rd.messages) this.host.send(m, this);
    if (rd.snapshot !== undefined) this.install(live, rd.snapshot);
    for (const e of rd.committedEntries) {
      if (e.index !== live.sm.applied + 1) {
        checker.fail(
          INVARIANTS.stateMachineSafety,
          `node ${this.id} is handed index ${e.index} to apply after ${live.sm.applied}`,
        );
      }
      live.sm.apply(e);
      const proposal = checker.observeApply(this.id, e, live.sm.hash);
      if (e.type === 'confChange')
        live.confState = live.core.applyConfChange(decodeConfChange(e.data));
      this.host.onApplied(this, proposal);
    }
    live.core.advance(rd);
  }

  /** Step 1 of the Ready contract, with the log checks done against the log as it was. */
  private persist(live: Volatile, rd: Ready): void {
    const { checker } = this.host;
    const { storage } = live;
    if (rd.snapshot !== undefined) {
      storage.applySnapshot(rd.snapshot);
      this.durable.writeSnapshot(rd.snapshot);
    }
    if (rd.entries.length > 0) {
      const first = rd.entries[0]!.index;
      if (first > storage.lastIndex() + 1 || first < storage.firstIndex()) {
        checker.fail(
          INVARIANTS.logMatching,
          `node ${this.id} is asked to persist index ${first} outside ${storage.firstIndex()}..${storage.lastIndex() + 1}`,
        );
      }
      checker.observeAppend(this.id, rd.entries, first === 1 ? 0 : storage.term(first - 1));
      storage.append(rd.entries);
      this.durable.writeEntries(rd.entries);
    }
    const hs = rd.hardState;
    if (hs !== undefined) {
      storage.setHardState(hs);
      this.durable.writeHardState(hs);
      live.term = hs.term;
      if (hs.commit > live.commit) this.observeCommit(live, live.commit, hs.commit, hs.term);
      else if (hs.commit < live.commit) {
        checker.fail(
          INVARIANTS.stateMachineSafety,
          `node ${this.id} moves its commit back from ${live.commit} to ${hs.commit}`,
        );
      }
    }
    if (rd.mustSync && this.host.shellFault !== 'ignoreMustSync') this.durable.sync();
  }

  private observeCommit(live: Volatile, from: number, to: number, term: number): void {
    const { storage } = live;
    if (to > storage.lastIndex()) {
      this.host.checker.fail(
        INVARIANTS.stateMachineSafety,
        `node ${this.id} commits ${to} beyond its last index ${storage.lastIndex()}`,
      );
    }
    const lo = Math.max(from + 1, storage.firstIndex());
    if (lo <= to)
      this.host.checker.observeCommit(
        this.id,
        term,
        storage.entries(lo, to + 1, Number.MAX_SAFE_INTEGER),
      );
    live.commit = to;
  }

  private install(live: Volatile, snap: Snapshot): void {
    const sm = HashStateMachine.fromImage(snap.data);
    this.host.checker.observeSnapshot(this.id, snap.metadata.index, snap.metadata.term, sm.hash);
    live.sm = sm;
    live.confState = snap.metadata.confState;
  }

  private running(): Volatile {
    if (this.live === undefined) throw new Error(`node ${this.id} is down`);
    return this.live;
  }
}
