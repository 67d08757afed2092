/** The pure Raft core's public surface; see README.md. */
export { RaftCore } from './raft-core.ts';
export { MemoryStorage, SnapshotOutOfDateError } from './memory-storage.ts';
export { encodeConfChange, decodeConfChange, ConfChangeDecodeError } from './conf-change-codec.ts';
export * from './types.ts';
