import type { Entry, NodeId } from '../../../src/raft/core/types.ts';

/** First byte of every payload the simulator proposes, so no-ops and foreign data never decode. */
const PROPOSAL_TAG = 0x50;

/** A proposal as the simulator tracks it: which node proposed it and its cluster-wide id. */
export interface Proposal {
  readonly id: number;
  readonly proposer: NodeId;
}

/**
 * Encodes a proposal as 6 bytes: a tag, the proposer and the id (uint32, little endian).
 * Ids are unique within a seed, so a payload names exactly one proposal.
 */
export function encodeProposal(p: Proposal): Uint8Array {
  const bytes = new Uint8Array(6);
  bytes[0] = PROPOSAL_TAG;
  bytes[1] = p.proposer;
  new DataView(bytes.buffer).setUint32(2, p.id, true);
  return bytes;
}

/** Decodes a payload made by {@link encodeProposal}; `undefined` for anything else. */
export function decodeProposal(data: Uint8Array): Proposal | undefined {
  if (data.length !== 6 || data[0] !== PROPOSAL_TAG) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { proposer: data[1]!, id: view.getUint32(2, true) };
}

/**
 * A 32-bit fingerprint of an entry's type and data (not its index or term), used to compare
 * entries across nodes without keeping or comparing their bytes. Collisions only weaken a
 * check; they never raise a false violation.
 */
export function entryKey(entry: Entry): number {
  let h = entry.type === 'normal' ? 0x811c9dc5 : 0x01000193;
  const data = entry.data;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Folds one applied entry key into a running state-machine hash. */
export function mixHash(hash: number, key: number): number {
  let h = Math.imul(hash ^ key, 0x9e3779b1);
  h ^= h >>> 15;
  return Math.imul(h, 0x85ebca6b) >>> 0;
}
