import type { ConfChange, ConfState } from './core/types.ts';

/**
 * The application's state machine, driven by a {@link RaftNode}. Every method is called
 * synchronously from the node's apply step, in log order, and must be deterministic: every
 * member applies the same entries and must reach the same state. A method that throws
 * stops the node (the log cannot be applied past a failing entry).
 */
export interface StateMachine {
  /**
   * Apply one committed normal entry's payload (the bytes given to `propose`), in log order.
   * `payload` is a view into the entry: copy it to keep it beyond the call.
   */
  apply(payload: Uint8Array, index: number): void;
  /** An image of the state machine for a snapshot covering everything applied so far. */
  snapshot(): Uint8Array;
  /** Replace the state machine with a snapshot image. */
  restore(image: Uint8Array): void;
  /**
   * Optional: called after a membership change at `index` is applied, with the change (its
   * `context` as the proposer gave it) and the resulting membership. Applications update
   * their transport's peer addresses here.
   */
  applyConfChange?(change: ConfChange, confState: ConfState, index: number): void;
}
