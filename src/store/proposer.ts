/**
 * Where the store sends its transactions for replication: a Raft node, in production
 * (`RaftNode` satisfies this interface as it is).
 *
 * Contract: `propose` resolves with the entry's index only after the entry has been applied
 * to this node's state machine (the store's `apply`), and rejects if it will not be, or may
 * not have been (lost to a leader change, node stopped, proposal dropped). Its rejection
 * reaches the store's caller unchanged.
 */
export interface Proposer {
  propose(payload: Uint8Array): Promise<number>;
}
