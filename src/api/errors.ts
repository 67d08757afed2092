/**
 * Every stable error code shoal raises, with the HTTP status the API answers it with.
 * Callers match on these codes, never on message text. docs/errors.md describes each one;
 * test/api/errors.test.ts fails if a code is missing there.
 */
export const errorCodes = {
  /** A proposed entry was overwritten by a new leader's log before it committed. */
  RAFT_PROPOSAL_LOST: { status: 503 },
  /** The Raft node stopped before the request finished. */
  RAFT_STOPPED: { status: 503 },
  /** The Raft core refused a proposal (no leader, transfer in progress, pending change). */
  RAFT_PROPOSAL_DROPPED: { status: 503 },
} as const satisfies Record<string, { status: number }>;

export type ErrorCode = keyof typeof errorCodes;

/** The HTTP status for a code; 500 for a code not in the table (a bug to fix). */
export function statusOf(code: string): number {
  return (errorCodes as Record<string, { status: number } | undefined>)[code]?.status ?? 500;
}
