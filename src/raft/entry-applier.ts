import { decodeConfChange } from './core/conf-change-codec.ts';
import type { ConfChange, ConfState, Entry, Snapshot } from './core/types.ts';
import { envelopePayload, ownSequence } from './proposal-envelope.ts';
import type { EnvelopeOrigin } from './proposal-envelope.ts';
import type { ProposalTracker } from './proposal-tracker.ts';
import type { StateMachine } from './state-machine.ts';

/**
 * Applies committed entries and snapshots to the {@link StateMachine} for a RaftNode, and
 * settles this member's proposals as their entries are appended and applied. Normal
 * entries reach the state machine without their envelope; empty ones (leader no-ops) not
 * at all. Membership changes go through `applyConfChange` (the core's), then to the state
 * machine's optional hook with the proposer's own context.
 */
export class EntryApplier {
  /** The last index applied to the state machine. */
  applied = 0;
  /** The membership in force at {@link EntryApplier.applied}. */
  confState: ConfState = { voters: [], learners: [] };

  constructor(
    private readonly sm: StateMachine,
    private readonly self: EnvelopeOrigin,
    private readonly proposals: ProposalTracker<number>,
    private readonly confChanges: ProposalTracker<ConfState>,
    private readonly applyConfChange: (change: ConfChange) => ConfState,
  ) {}

  /** Notes where this member's proposals landed among freshly persisted `entries`. */
  appended(entries: readonly Entry[]): void {
    if (this.proposals.size === 0 && this.confChanges.size === 0) return;
    for (const entry of entries) {
      if (entry.type === 'normal') {
        const seq = ownSequence(entry.data, this.self);
        if (seq >= 0) this.proposals.appended(seq, entry.index);
      } else if (this.confChanges.size > 0) {
        const context = decodeConfChange(entry.data).context;
        const seq = context ? ownSequence(context, this.self) : -1;
        if (seq >= 0) this.confChanges.appended(seq, entry.index);
      }
    }
  }

  /** Replaces the state machine with `snapshot`; proposals it may cover become unknown. */
  install(snapshot: Snapshot): void {
    this.sm.restore(snapshot.data);
    this.applied = snapshot.metadata.index;
    this.confState = snapshot.metadata.confState;
    this.proposals.snapshotInstalled(this.applied);
    this.confChanges.snapshotInstalled(this.applied);
  }

  /** Applies committed `entries` in order (those at or below `applied` are skipped). */
  apply(entries: readonly Entry[]): void {
    const sm = this.sm;
    for (const entry of entries) {
      if (entry.index <= this.applied) continue;
      if (entry.type === 'confChange') {
        this.applyMembership(entry);
      } else if (entry.data.length > 0) {
        sm.apply(envelopePayload(entry.data), entry.index);
        const seq = ownSequence(entry.data, this.self);
        if (seq >= 0) this.proposals.applied(seq, entry.index);
      }
      this.applied = entry.index;
    }
    this.proposals.appliedThrough(this.applied);
    this.confChanges.appliedThrough(this.applied);
  }

  private applyMembership(entry: Entry): void {
    const change = decodeConfChange(entry.data);
    this.confState = this.applyConfChange(change);
    const context = change.context;
    const seq = context ? ownSequence(context, this.self) : -1;
    const own = context ? envelopePayload(context) : undefined;
    const visible: ConfChange =
      own && own.length > 0
        ? { type: change.type, nodeId: change.nodeId, context: own }
        : { type: change.type, nodeId: change.nodeId };
    this.sm.applyConfChange?.(visible, this.confState, entry.index);
    if (seq >= 0) this.confChanges.applied(seq, this.confState);
  }
}
