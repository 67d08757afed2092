import { InvariantError } from '../../base/errors.ts';
import { bootstrapEntries, isFreshBootstrap } from './bootstrap.ts';
import { findLeavingIndex, restoreConfState } from './conf-change.ts';
import { entriesSize } from './entry-size.ts';
import { makeMessage } from './message.ts';
import type { MessageFields } from './message.ts';
import { ProgressTracker } from './progress-tracker.ts';
import { RaftLog } from './raft-log.ts';
import type { RaftOptions } from './raft-options.ts';
import { ReadOnly } from './read-only.ts';
import { NONE } from './types.ts';
import type { Entry, HardState, Message, NodeId, ReadState, Role, SoftState } from './types.ts';

/**
 * The Raft state of one member (etcd's `raft` struct): term, vote, role, log, membership
 * and replication progress, plus the role transitions. Message handling lives in the step
 * functions (`step.ts` and one file per role); sending and broadcasting in
 * `replication.ts`. Internal to the core: the public surface is {@link RaftCore}.
 */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = 'follower';
  isLearner = false;
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  readOnly: ReadOnly;
  /** Outgoing messages, drained into the next Ready. */
  msgs: Message[] = [];
  /** Completed reads, drained into the next Ready. */
  readStates: ReadState[] = [];
  /** Reads received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  leadTransferee: NodeId = NONE;
  /** Index of the last conf change appended by this leader; another waits until it is applied. */
  pendingConfIndex = 0;
  /**
   * Index of an unapplied conf change that removes or demotes this leader; until it is
   * applied the leader appends nothing after it (see `findLeavingIndex`).
   */
  leavingIndex = 0;
  /** Payload bytes of this leader's uncommitted entries. */
  uncommittedSize = 0;

  constructor(readonly opts: RaftOptions) {
    this.id = opts.id;
    this.log = new RaftLog(opts.storage, opts.maxCommittedSizePerReady);
    this.tracker = new ProgressTracker(opts.maxInflightMsgs);
    this.readOnly = new ReadOnly(opts.readOnlyOption);
    const { hardState, confState } = opts.storage.initialState();
    restoreConfState(this.tracker, confState, this.log.lastIndex());
    this.refreshLearnerFlag();
    if (hardState.commit > this.log.lastIndex()) {
      throw new InvariantError(
        'commit-within-log',
        `stored commit ${hardState.commit} is past last index ${this.log.lastIndex()}`,
      );
    }
    // A crash between persisting a snapshot and the hard state leaves commit behind it.
    this.log.commitTo(hardState.commit);
    this.term = hardState.term;
    this.vote = hardState.vote;
    if (opts.applied > this.log.applied) this.log.appliedTo(opts.applied);
    this.becomeFollower(this.term, NONE);
    if (isFreshBootstrap(opts.storage, confState)) {
      const entries = bootstrapEntries(confState);
      this.becomeFollower(1, NONE);
      this.log.append(entries);
      this.log.commitTo(entries.length);
      // The membership they describe is already in force, so they count as applied: the
      // shell need not apply them and a campaign need not wait for them.
      this.log.appliedTo(entries.length);
    }
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { leader: this.lead, role: this.role };
  }

  /**
   * Queues a message. `from` defaults to this member; the term is stamped here except on
   * vote traffic (which names its own term) and on forwarded proposals and reads (which
   * carry none, like local messages).
   */
  send(fields: MessageFields): void {
    const type = fields.type;
    const isVoteTraffic =
      type === 'vote' || type === 'voteResp' || type === 'preVote' || type === 'preVoteResp';
    if ((type === 'vote' || type === 'preVote') && !fields.term) {
      throw new InvariantError('vote-term-set', `${type} to ${fields.to ?? 0} has no term`);
    }
    let term = fields.term ?? 0;
    if (!isVoteTraffic) term = type === 'prop' || type === 'readIndex' ? 0 : this.term;
    const from = fields.from === undefined || fields.from === NONE ? this.id : fields.from;
    this.msgs.push(makeMessage({ ...fields, from, term }));
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  /** Starts a pre-vote round: the term and vote stay as they are (pre-vote changes nothing durable). */
  becomePreCandidate(): void {
    if (this.role === 'leader')
      throw new InvariantError('no-leader-to-precandidate', `${this.id} is leader`);
    this.tracker.resetVotes();
    this.lead = NONE;
    this.role = 'preCandidate';
  }

  becomeCandidate(): void {
    if (this.role === 'leader')
      throw new InvariantError('no-leader-to-candidate', `${this.id} is leader`);
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  /** Takes the lead and appends the empty entry that commits earlier terms' entries (§5.4.2). */
  becomeLeader(): void {
    if (this.role === 'follower')
      throw new InvariantError('no-follower-to-leader', `${this.id} is follower`);
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    this.tracker.progress.get(this.id)?.becomeReplicate();
    // Conservatively treat any unapplied entry as a possible conf change.
    this.pendingConfIndex = this.log.lastIndex();
    this.leavingIndex = findLeavingIndex(this.log, this.id, this.log.applied + 1);
    const appended = this.appendEntry([
      { term: 0, index: 0, type: 'normal', data: new Uint8Array(0) },
    ]);
    if (!appended) throw new InvariantError('leader-empty-entry', 'the empty entry was refused');
  }

  /** True when this member may campaign: a voter with no snapshot waiting to be installed. */
  promotable(): boolean {
    const pr = this.tracker.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && this.log.unstable.snapshot === undefined;
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  /**
   * Leader only: stamps `entries` with this term and the next indexes and appends them.
   * Returns false, appending nothing, when they would exceed the uncommitted-size limit.
   */
  appendEntry(entries: readonly Entry[]): boolean {
    const last = this.log.lastIndex();
    const stamped = entries.map((e, i) => ({
      term: this.term,
      index: last + 1 + i,
      type: e.type,
      data: e.data,
    }));
    if (!this.increaseUncommittedSize(stamped)) return false;
    const newLast = this.log.append(stamped);
    this.tracker.progress.get(this.id)?.maybeUpdate(newLast);
    this.maybeCommit();
    return true;
  }

  /** Leader: advances commit to what a quorum of voters matched, if of this term. */
  maybeCommit(): boolean {
    return this.log.maybeCommit(this.tracker.committed(), this.term);
  }

  committedEntryInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  /** Returns false when `entries` would push the uncommitted tail past the configured limit. */
  increaseUncommittedSize(entries: readonly Entry[]): boolean {
    const size = entriesSize(entries);
    const limit = this.opts.maxUncommittedEntriesSize;
    // An oversized entry is still accepted into an empty tail, or nothing large could ever pass.
    if (limit > 0 && this.uncommittedSize > 0 && size > 0 && this.uncommittedSize + size > limit)
      return false;
    this.uncommittedSize += size;
    return true;
  }

  /** Called as committed entries are handed to the application. */
  reduceUncommittedSize(entries: readonly Entry[]): void {
    if (this.uncommittedSize === 0) return;
    this.uncommittedSize = Math.max(0, this.uncommittedSize - entriesSize(entries));
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  /** True when a committed but unapplied entry may change the membership (then no campaign). */
  hasUnappliedConfChanges(): boolean {
    // Entries the shell already compacted away were applied, whatever our cursor says.
    const lo = Math.max(this.log.applied + 1, this.log.firstIndex());
    if (lo > this.log.committed) return false;
    const entries = this.log.slice(lo, this.log.committed + 1, Number.MAX_SAFE_INTEGER);
    return entries.some((e) => e.type === 'confChange');
  }

  /** Re-derives whether this member is a learner after a membership change. */
  refreshLearnerFlag(): void {
    this.isLearner = this.tracker.progress.get(this.id)?.isLearner ?? false;
  }

  resetRandomizedElectionTimeout(): void {
    const e = this.opts.electionTick;
    this.randomizedElectionTimeout = e + Math.min(e - 1, Math.floor(this.opts.random() * e));
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.tracker.resetVotes();
    const last = this.log.lastIndex();
    this.tracker.visit((id, pr) => {
      pr.becomeProbe();
      pr.match = id === this.id ? last : 0;
      pr.next = last + 1;
      pr.recentActive = false;
      pr.activeLastPeriod = false;
    });
    this.pendingConfIndex = 0;
    this.leavingIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly(this.opts.readOnlyOption);
    this.pendingReadIndexMessages = [];
  }
}
