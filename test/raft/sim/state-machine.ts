import type { Entry } from '../../../src/raft/core/types.ts';
import { entryKey, mixHash } from './payload.ts';

/**
 * The simulated application: it keeps only how far it has applied and a running hash of
 * the application payloads applied so far (normal entries with data; leader no-ops and
 * conf changes are the core's business, as they are in RaftNode), which is enough to tell
 * two histories apart. Its image (the snapshot payload) is those two numbers, so an
 * installed snapshot can be checked against the history it claims to summarise.
 */
export class HashStateMachine {
  applied: number;
  hash: number;

  constructor(applied: number, hash: number) {
    this.applied = applied;
    this.hash = hash;
  }

  /** Applies `entry`, the entry at `applied + 1`. */
  apply(entry: Entry): void {
    this.applied += 1;
    if (entry.type === 'normal' && entry.data.length > 0)
      this.hash = mixHash(this.hash, entryKey(entry));
  }

  /** 8 bytes: applied index and hash, both uint32 little endian. */
  image(): Uint8Array {
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, this.applied, true);
    view.setUint32(4, this.hash, true);
    return bytes;
  }

  /** Rebuilds a state machine from an {@link image}; throws on anything else. */
  static fromImage(data: Uint8Array): HashStateMachine {
    if (data.length !== 8)
      throw new Error(`state machine image must be 8 bytes, got ${data.length}`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return new HashStateMachine(view.getUint32(0, true), view.getUint32(4, true));
  }
}
