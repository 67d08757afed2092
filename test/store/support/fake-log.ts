import type { StateMachine } from '../../../src/raft/state-machine.ts';
import type { Proposer } from '../../../src/store/proposer.ts';

interface Queued {
  readonly bytes: Uint8Array;
  readonly resolve: (index: number) => void;
}

/**
 * A stand-in for Raft in store tests: every proposal is appended to one log and applied to
 * every attached replica in log order, on a later turn of the event loop (so several
 * proposals can be in flight at once), and resolves once applied everywhere.
 */
export class FakeLog implements Proposer {
  readonly entries: Uint8Array[] = [];
  private readonly replicas: StateMachine[] = [];
  private queue: Queued[] = [];
  private scheduled = false;

  /** Adds a replica; it receives entries appended from now on. */
  attach(replica: StateMachine): void {
    this.replicas.push(replica);
  }

  propose(payload: Uint8Array): Promise<number> {
    const bytes = payload.slice();
    return new Promise((resolve) => {
      this.queue.push({ bytes, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Replays entries `from`..end (1-based indexes) into one replica. */
  replay(replica: StateMachine, from: number): void {
    for (let index = from; index <= this.entries.length; index++) {
      replica.apply(this.entries[index - 1]!, index);
    }
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const { bytes, resolve } of batch) {
      const index = this.entries.push(bytes);
      for (const replica of this.replicas) replica.apply(bytes, index);
      resolve(index);
    }
  }
}
