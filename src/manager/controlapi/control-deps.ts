import type { RandomBytes } from '../ca/random-bytes.ts';
import type { RaftView } from '../membership/raft-view.ts';

/**
 * What the control handlers take beside the store. `randomBytes` feeds IDs, join-token
 * secrets and unlock keys (pass `systemRandomBytes` in production, seeded bytes in tests).
 * `raft` is the local Raft node's view; without one (a proposer-less store in tests) the
 * quorum guard of demotions is skipped and manager status is read as stored.
 */
export interface ControlDeps {
  readonly randomBytes: RandomBytes;
  readonly raft?: RaftView;
}
