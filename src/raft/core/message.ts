import type { Entry, Message, MessageType, NodeId, Snapshot } from './types.ts';

/** The fields of a {@link Message} a sender sets; the rest default to zero or empty. */
export interface MessageFields {
  readonly type: MessageType;
  readonly to?: NodeId;
  readonly from?: NodeId;
  readonly term?: number;
  readonly logTerm?: number;
  readonly index?: number;
  readonly entries?: readonly Entry[];
  readonly commit?: number;
  readonly snapshot?: Snapshot | undefined;
  readonly reject?: boolean;
  readonly rejectHint?: number;
  readonly context?: Uint8Array | undefined;
}

/** Builds a complete Message from `fields`, omitting absent optional fields. */
export function makeMessage(fields: MessageFields): Message {
  const m: { -readonly [K in keyof Message]: Message[K] } = {
    type: fields.type,
    to: fields.to ?? 0,
    from: fields.from ?? 0,
    term: fields.term ?? 0,
    logTerm: fields.logTerm ?? 0,
    index: fields.index ?? 0,
    entries: fields.entries ?? [],
    commit: fields.commit ?? 0,
    reject: fields.reject ?? false,
    rejectHint: fields.rejectHint ?? 0,
  };
  if (fields.snapshot !== undefined) m.snapshot = fields.snapshot;
  if (fields.context !== undefined) m.context = fields.context;
  return m;
}

/** The context marking a vote request as part of a leader transfer (it overrides the lease). */
export const TRANSFER_CONTEXT: Uint8Array = new TextEncoder().encode('shoal-raft-transfer');

/** True when two optional byte strings hold the same bytes. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
