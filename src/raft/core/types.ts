/**
 * The public vocabulary of the Raft core. The core is a library: it knows nothing of
 * shoal objects, does no I/O and reads no clock. Entry payloads are opaque bytes.
 *
 * Member IDs are positive safe integers; 0 means "none" (no vote, no leader).
 */

/** A Raft member ID; 0 stands for none. */
export type NodeId = number;
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'confChange';

/**
 * One log entry. A `confChange` entry's `data` is an encoded {@link ConfChange}
 * (see `encodeConfChange` in `conf-change-codec.ts`); an empty `normal` entry is the no-op
 * a new leader appends to commit entries of earlier terms.
 */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be on disk before any message of the same Ready is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

/** The membership: voters decide elections and commits, learners only receive the log. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

/** A state-machine image covering the log up to and including `metadata.index`. */
export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
}

/**
 * One membership change at a time (Raft §4.1 single-server changes).
 * `addLearner` on a voter demotes it; `addVoter` on a learner promotes it.
 */
export type ConfChangeType = 'addVoter' | 'addLearner' | 'removeNode';

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to the core; applications carry addresses here. */
  readonly context?: Uint8Array;
}

export type MessageType =
  /** local: start an election (pre-vote first when enabled) */
  | 'hup'
  /** local: leader sends heartbeats */
  | 'beat'
  /** local on the leader: step down if a quorum was not heard from in an election timeout */
  | 'checkQuorum'
  /** a proposal; followers forward it to the leader */
  | 'prop'
  | 'app'
  | 'appResp'
  | 'vote'
  | 'voteResp'
  | 'preVote'
  | 'preVoteResp'
  | 'snap'
  | 'heartbeat'
  | 'heartbeatResp'
  /** local (or forwarded to the leader): transfer leadership to `from` */
  | 'transferLeader'
  /** leader to transferee: campaign now, skipping the election timeout and pre-vote */
  | 'timeoutNow'
  | 'readIndex'
  | 'readIndexResp'
  /** local on the leader: the application reports a snapshot send finished or failed */
  | 'snapStatus'
  /** local on the leader: the application reports a peer unreachable */
  | 'unreachable';

/**
 * A message between members, in etcd's single-struct shape: fields a type does not use are
 * zero or empty. `index`/`logTerm` name the entry preceding `entries` on `app`, the last log
 * position on `vote`/`preVote`, and the acknowledged index on `appResp`. A rejected `appResp`
 * carries `rejectHint` (the follower's last index at or below the probe) and `logTerm` (the
 * term at that hint) so the leader can skip a whole conflicting term at once.
 */
export interface Message {
  readonly type: MessageType;
  readonly to: NodeId;
  readonly from: NodeId;
  readonly term: number;
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** Request context: ReadIndex request IDs, election/transfer markers. */
  readonly context?: Uint8Array;
}

/** A linearizable read point: once `index` is applied, the read tagged `requestCtx` may be served. */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Uint8Array;
}

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Volatile state that the application may want to observe; not persisted. */
export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/**
 * Everything the core asks of its shell since the last {@link RaftCore.advance}.
 *
 * The shell MUST handle a Ready in this order:
 *   1. persist `snapshot` (if any), then `entries`, then `hardState` (if any) — with fsync
 *      when `mustSync` is true;
 *   2. only then send `messages` (a vote or an append acknowledgement must never reach a
 *      peer before the state that justifies it is durable);
 *   3. apply `snapshot` (if any) and then `committedEntries`, in order, to the state machine;
 *   4. call `advance(ready)` with this same object.
 * Nothing in a Ready may be mutated.
 */
export interface Ready {
  /** Set when the leader or this node's role changed since the previous Ready. */
  readonly softState?: SoftState;
  /** Set when term, vote or commit changed since the previous Ready. */
  readonly hardState?: HardState;
  /** New log entries to append to stable storage (they may overwrite a conflicting suffix). */
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader, to persist and install. */
  readonly snapshot?: Snapshot;
  /** Entries known committed and not yet handed to the application, in index order. */
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  /** True when term, vote, new entries or a snapshot changed: these must be fsync'd before sending. */
  readonly mustSync: boolean;
}

/** How ReadIndex confirms leadership: `safe` asks a quorum by heartbeat (the default). */
export type ReadOnlyOption = 'safe' | 'leaseBased';

/** The state of one peer's replication, as seen from the leader. */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  /** Heard from within the current check-quorum period (reset at the end of each period). */
  readonly recentActive: boolean;
  /**
   * Heard from within the current or the previous check-quorum period: whether the member
   * is reachable. Prefer it to `recentActive` for decisions outside the core, since
   * `recentActive` is false for every follower just after each check-quorum reset.
   */
  readonly active: boolean;
}

/** A read-only picture of the core, for tests, diagnostics and the application. */
export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly lastIndex: number;
  readonly confState: ConfState;
  /** Only on the leader: the replication progress of every member, itself included. */
  readonly progress?: ReadonlyMap<NodeId, ProgressStatus>;
  readonly leadTransferee: NodeId;
}

/**
 * Read-only access to the log the shell has made durable (etcd's `Storage`). The shell
 * keeps it current after each Ready (normally a {@link MemoryStorage} that mirrors the WAL).
 * Methods throw {@link CompactedError} for indexes folded into the snapshot and
 * {@link UnavailableError} for indexes past the last entry.
 */
export interface LogReader {
  /** The durable hard state and membership to start from. */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at least one even when it alone exceeds `maxBytes`. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** The term of entry `index`; valid from `firstIndex() - 1` (the snapshot's index) on. */
  term(index: number): number;
  /** The index of the first entry still in the log (snapshot index + 1). */
  firstIndex(): number;
  lastIndex(): number;
  /** The most recent snapshot; throws {@link SnapshotUnavailableError} if it is being built. */
  snapshot(): Snapshot;
}

/** The requested index lies at or before the snapshot: it has been compacted away. */
export class CompactedError extends Error {
  constructor(index: number, firstIndex: number) {
    super(`log index ${index} is compacted (first available index is ${firstIndex})`);
    this.name = 'CompactedError';
  }
}

/** The requested index lies after the last entry. */
export class UnavailableError extends Error {
  constructor(index: number, lastIndex: number) {
    super(`log index ${index} is unavailable (last index is ${lastIndex})`);
    this.name = 'UnavailableError';
  }
}

/** The snapshot is being produced; try again later. */
export class SnapshotUnavailableError extends Error {
  constructor() {
    super('snapshot is temporarily unavailable');
    this.name = 'SnapshotUnavailableError';
  }
}

/** Why the core refused a proposal; the caller may retry elsewhere or later. */
export type DropReason =
  | 'noLeader'
  | 'transferInProgress'
  | 'notVoter'
  | 'pendingConfChange'
  | 'uncommittedTooLarge'
  | 'stoppedForwarding';

/** Thrown by `propose`/`proposeConfChange` when the proposal cannot be accepted now. */
export class ProposalDroppedError extends Error {
  readonly reason: DropReason;
  constructor(reason: DropReason) {
    super(`proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
    this.reason = reason;
  }
}

/** Configuration of one {@link RaftCore}; ticks are abstract (the shell decides their length). */
export interface RaftConfig {
  readonly id: NodeId;
  /** Ticks without hearing from a leader before campaigning; the real timeout is randomised in [e, 2e). Default 10. */
  readonly electionTick?: number;
  /** Ticks between leader heartbeats; must be less than electionTick. Default 1. */
  readonly heartbeatTick?: number;
  readonly storage: LogReader;
  /** The last index the application has applied (on restart). Default 0. */
  readonly applied?: number;
  /** Upper bound on the bytes of entries in one append message. Default 1 MiB. */
  readonly maxSizePerMsg?: number;
  /** Bound on in-flight append messages per follower in the replicate state. Default 256. */
  readonly maxInflightMsgs?: number;
  /** Bound on the bytes of uncommitted entries the leader accepts. Default unlimited (0). */
  readonly maxUncommittedEntriesSize?: number;
  /** Bound on the bytes of committed entries in one Ready. Default 64 MiB. */
  readonly maxCommittedSizePerReady?: number;
  /** Leader steps down when it has not heard from a quorum within an election timeout. Default true. */
  readonly checkQuorum?: boolean;
  /** Run a pre-vote round before raising the term. Default true. */
  readonly preVote?: boolean;
  readonly readOnlyOption?: ReadOnlyOption;
  /** Followers drop proposals instead of forwarding them to the leader. Default false. */
  readonly disableProposalForwarding?: boolean;
  /** Randomness for election timeouts; seeded in tests. */
  readonly random: () => number;
}
