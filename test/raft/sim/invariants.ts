import { InvariantError } from '../../../src/base/errors.ts';
import type { Entry, NodeId } from '../../../src/raft/core/types.ts';
import { decodeProposal, entryKey } from './payload.ts';

/** The names violations carry, one per safety or liveness property the simulator checks. */
export const INVARIANTS = {
  electionSafety: 'election safety (at most one leader per term)',
  logMatching: 'log matching',
  leaderCompleteness: 'leader completeness',
  stateMachineSafety: 'state machine safety',
  acknowledgedKept: 'no acknowledged proposal lost',
  liveness: 'liveness after heal',
  coreError: 'core raised an error',
} as const;

/** A broken invariant found by the simulator; carries the seed and step for replay. */
export class SimViolation extends InvariantError {
  readonly seed: number;
  readonly step: number;

  constructor(invariant: string, seed: number, step: number, detail: string) {
    super(invariant, detail);
    this.name = 'SimViolation';
    this.seed = seed;
    this.step = step;
  }
}

/** The read-only view of one node's log the checks need (a MemoryStorage satisfies it). */
export interface LogView {
  firstIndex(): number;
  lastIndex(): number;
  /** Valid from `firstIndex() - 1` (the snapshot's index) to `lastIndex()`. */
  term(index: number): number;
}

/** The final committed history, as read from one node at the end of a seed. */
export interface CommittedLog {
  /** The first index still held as an entry; earlier ones are in the node's snapshot. */
  readonly firstIndex: number;
  readonly commit: number;
  /** The {@link entryKey} of the entry at `index` (`firstIndex <= index <= commit`). */
  keyAt(index: number): number;
}

/** Why `(index, term)` points are packed into one number: Map lookups on numbers are cheap. */
const TERM_LIMIT = 2 ** 21;

/**
 * The Raft safety properties, checked incrementally as the simulator reports what nodes do.
 * Every `observe*` call checks what it is told against what earlier calls established and
 * throws an {@link InvariantError} naming the invariant, the seed and the step on the first
 * breach. The checker trusts nothing about the core: histories are built only from what
 * the nodes persisted, committed and applied.
 *
 * - election safety: every (term, leader) pair ever seen; a second leader in a term fails.
 * - log matching: each `(index, term)` point must always carry the same entry and follow
 *   the same previous term; by induction two logs sharing a point share the whole prefix.
 * - leader completeness: an entry seen committed by a node in term `m` was committed in a
 *   term at or before `m`, so every leader of a term above `m` must hold it when elected.
 * - state machine safety: one committed history per index; nodes apply it in order, and
 *   the running hash of each applied prefix (also carried by snapshots) must match it.
 * - no acknowledged proposal lost: a proposal applied on its proposer must sit at the same
 *   index in the final committed history.
 */
export class InvariantChecker {
  /** The driver step being checked; it appears in every violation. */
  step = 0;
  private readonly leaders = new Map<number, NodeId>();
  /** point(index, term) → prevTerm * 2^32 + entry key. */
  private readonly points = new Map<number, number>();
  private readonly histTerm: number[] = [];
  private readonly histKey: number[] = [];
  /** The lowest term in which any node was seen to hold each index committed. */
  private readonly seenCommittedIn: number[] = [];
  private readonly histHash: number[] = [];
  private committedMax = 0;
  private readonly acks = new Map<number, { readonly index: number; readonly key: number }>();

  constructor(
    readonly seed: number,
    readonly label: string,
  ) {}

  /** Number of proposals acknowledged so far. */
  get acknowledged(): number {
    return this.acks.size;
  }

  /** Number of terms in which a leader was seen. */
  get elections(): number {
    return this.leaders.size;
  }

  /** Highest index any node has been seen to commit. */
  get maxCommitted(): number {
    return this.committedMax;
  }

  /** The violation of `invariant`, tagged with seed and step. */
  violation(invariant: string, detail: string): SimViolation {
    return new SimViolation(
      invariant,
      this.seed,
      this.step,
      `seed ${this.seed} (${this.label}), step ${this.step}: ${detail}`,
    );
  }

  /** Throws {@link violation}. */
  fail(invariant: string, detail: string): never {
    throw this.violation(invariant, detail);
  }

  /** `node` became leader of `term` with `log`; checks election safety and leader completeness. */
  observeLeader(node: NodeId, term: number, log: LogView): void {
    const other = this.leaders.get(term);
    if (other !== undefined && other !== node) {
      this.fail(INVARIANTS.electionSafety, `nodes ${other} and ${node} both led term ${term}`);
    }
    this.leaders.set(term, node);
    const from = Math.max(1, log.firstIndex() - 1);
    for (let i = from; i <= this.committedMax; i++) {
      const seenIn = this.seenCommittedIn[i];
      if (seenIn === undefined || seenIn >= term) continue;
      const has = i <= log.lastIndex() ? log.term(i) : undefined;
      if (has !== this.histTerm[i]) {
        this.fail(
          INVARIANTS.leaderCompleteness,
          `node ${node} leads term ${term} but holds ${has === undefined ? 'nothing' : `term ${has}`} at index ${i}, ` +
            `committed with term ${this.histTerm[i]} (seen committed in term ${seenIn})`,
        );
      }
    }
  }

  /** `node` persists `entries` right after an entry of term `prevTerm` (0 for none). */
  observeAppend(node: NodeId, entries: readonly Entry[], prevTerm: number): void {
    let prev = prevTerm;
    let expected = entries[0]?.index ?? 0;
    for (const e of entries) {
      if (e.index !== expected)
        this.fail(
          INVARIANTS.logMatching,
          `node ${node} appends index ${e.index}, expected ${expected}`,
        );
      if (e.term < prev)
        this.fail(
          INVARIANTS.logMatching,
          `node ${node} appends term ${e.term} at ${e.index} after term ${prev}`,
        );
      if (e.term >= TERM_LIMIT)
        this.fail(INVARIANTS.logMatching, `term ${e.term} is beyond what the simulator tracks`);
      const point = e.index * TERM_LIMIT + e.term;
      const value = prev * 2 ** 32 + entryKey(e);
      const known = this.points.get(point);
      if (known === undefined) this.points.set(point, value);
      else if (known !== value) {
        const knownPrev = Math.floor(known / 2 ** 32);
        this.fail(
          INVARIANTS.logMatching,
          `node ${node} holds a different entry at index ${e.index} term ${e.term} ` +
            (knownPrev === prev
              ? '(same previous term, different data)'
              : `(previous term ${prev}, elsewhere ${knownPrev})`),
        );
      }
      prev = e.term;
      expected++;
    }
  }

  /** `node`, in `term`, now holds `entries` committed (the newly committed ones still in its log). */
  observeCommit(node: NodeId, term: number, entries: readonly Entry[]): void {
    for (const e of entries) {
      const i = e.index;
      const key = entryKey(e);
      const known = this.histTerm[i];
      if (known === undefined) {
        this.histTerm[i] = e.term;
        this.histKey[i] = key;
        this.seenCommittedIn[i] = term;
        if (i > this.committedMax) this.committedMax = i;
        continue;
      }
      if (known !== e.term || this.histKey[i] !== key) {
        this.fail(
          INVARIANTS.stateMachineSafety,
          `node ${node} commits term ${e.term} at index ${i}, but term ${known} was committed there` +
            (known === e.term ? ' with different data' : ''),
        );
      }
      if (term < this.seenCommittedIn[i]!) this.seenCommittedIn[i] = term;
    }
  }

  /** `node` holds a snapshot at (`index`, `term`) whose state-machine hash is `hash`. */
  observeSnapshot(node: NodeId, index: number, term: number, hash: number): void {
    const knownTerm = this.histTerm[index];
    const knownHash = this.histHash[index];
    if (knownTerm === undefined || knownHash === undefined) {
      this.fail(
        INVARIANTS.stateMachineSafety,
        `node ${node} holds a snapshot at ${index}, which no node has applied`,
      );
    }
    if (knownTerm !== term || knownHash !== hash) {
      this.fail(
        INVARIANTS.stateMachineSafety,
        `node ${node} holds a snapshot at index ${index} (term ${term}) that differs from the applied history ` +
          `(term ${knownTerm}${knownHash === hash ? '' : ', different state'})`,
      );
    }
  }

  /**
   * `node`'s state machine stands at `index` with `hash` without having applied the entries
   * one by one (the bootstrap entries a core counts as applied); the hash must agree with
   * every other node's at that index.
   */
  observeState(node: NodeId, index: number, hash: number): void {
    const knownHash = this.histHash[index];
    if (knownHash === undefined) this.histHash[index] = hash;
    else if (knownHash !== hash) {
      this.fail(
        INVARIANTS.stateMachineSafety,
        `node ${node}'s state at index ${index} differs from the history`,
      );
    }
  }

  /**
   * `node` applied `entry`, after which its state-machine hash is `hashAfter`. Records the
   * acknowledgement when `node` proposed the entry. Returns the entry's proposal, if any.
   */
  observeApply(node: NodeId, entry: Entry, hashAfter: number): ReturnType<typeof decodeProposal> {
    const i = entry.index;
    const key = entryKey(entry);
    if (this.histTerm[i] === undefined) {
      this.fail(
        INVARIANTS.stateMachineSafety,
        `node ${node} applies index ${i}, which no node has committed`,
      );
    }
    if (this.histTerm[i] !== entry.term || this.histKey[i] !== key) {
      this.fail(
        INVARIANTS.stateMachineSafety,
        `node ${node} applies term ${entry.term} at index ${i}, but the committed history has term ${this.histTerm[i]}` +
          (this.histTerm[i] === entry.term ? ' with different data' : ''),
      );
    }
    const knownHash = this.histHash[i];
    if (knownHash === undefined) this.histHash[i] = hashAfter;
    else if (knownHash !== hashAfter) {
      this.fail(
        INVARIANTS.stateMachineSafety,
        `node ${node}'s applied sequence up to index ${i} differs from the history`,
      );
    }
    const proposal = entry.type === 'normal' ? decodeProposal(entry.data) : undefined;
    if (proposal !== undefined && proposal.proposer === node && !this.acks.has(proposal.id)) {
      this.acks.set(proposal.id, { index: i, key });
    }
    return proposal;
  }

  /** Every acknowledged proposal must be in `final` at the index where it was acknowledged. */
  checkAcknowledged(final: CommittedLog): void {
    for (const [id, ack] of this.acks) {
      if (ack.index > final.commit) {
        this.fail(
          INVARIANTS.acknowledgedKept,
          `proposal ${id} was acknowledged at index ${ack.index}, past the final commit ${final.commit}`,
        );
      }
      const key = ack.index >= final.firstIndex ? final.keyAt(ack.index) : this.histKey[ack.index];
      if (key !== ack.key) {
        this.fail(
          INVARIANTS.acknowledgedKept,
          `proposal ${id} was acknowledged at index ${ack.index} but the final history holds another entry there`,
        );
      }
    }
  }

  /** The hash of the committed history applied up to `index`, if any node has applied it. */
  historyHash(index: number): number | undefined {
    return this.histHash[index];
  }
}
