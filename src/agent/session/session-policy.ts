/** How a session spaces its calls. */
export interface SessionPolicy {
  /** First retry delay after a failure (Swarm's session backoff starts at 100 ms). */
  readonly backoffBaseMs: number;
  /** Largest retry delay (Swarm's: 8 s). */
  readonly backoffMaxMs: number;
  /** Heartbeats go up to this fraction of the period early, so they never arrive late. */
  readonly jitterFraction: number;
  /** Deadline of one RPC (Swarm's dispatcher RPC timeout: 5 s). */
  readonly callTimeoutMs: number;
}

/** Swarm's agent timings. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  backoffBaseMs: 100,
  backoffMaxMs: 8_000,
  jitterFraction: 0.1,
  callTimeoutMs: 5_000,
};

/**
 * Delay before the next heartbeat after a success: the period the dispatcher gave, made up to
 * `jitterFraction` shorter by `r` in [0, 1), so that agents started together spread out and a
 * heartbeat is never later than asked. At least 1 ms. Pure.
 */
export function heartbeatDelay(periodMs: number, policy: SessionPolicy, r: number): number {
  return Math.max(1, Math.round(periodMs * (1 - policy.jitterFraction * r)));
}

/**
 * Delay before retrying after `failures` consecutive failures (1 or more): the base doubled
 * per failure, capped at the maximum and at `capMs` (a session passes the last heartbeat
 * period, so a live agent whose manager failed over tries again within each period and is
 * not marked down by the dispatcher's grace of a few periods), then scaled into [½, 1] of
 * that by `r` in [0, 1) so retrying agents do not move in step. 0 failures: 0. Pure.
 */
export function backoffDelay(
  failures: number,
  policy: SessionPolicy,
  r: number,
  capMs: number = policy.backoffMaxMs,
): number {
  if (failures <= 0) return 0;
  const exponent = Math.min(failures - 1, 30);
  const capped = Math.min(policy.backoffMaxMs, capMs, policy.backoffBaseMs * 2 ** exponent);
  return Math.max(1, Math.round(capped * (0.5 + r / 2)));
}

/**
 * The manager to call next: `preferred` (a leader learned from a redirect) when it is known;
 * else `current` while it still answers (`failed` false); else the one after `current` in
 * `known`, wrapping (the first when `current` is not listed). Undefined when `known` is empty.
 * Pure.
 */
export function nextManager(
  known: readonly string[],
  current: string | undefined,
  failed: boolean,
  preferred?: string,
): string | undefined {
  if (preferred !== undefined && known.includes(preferred)) return preferred;
  if (known.length === 0) return undefined;
  const at = current === undefined ? -1 : known.indexOf(current);
  if (at >= 0 && !failed) return current;
  return known[(at + 1) % known.length];
}

/**
 * `known` followed by the addresses of `learned` it lacks, in order, without duplicates or
 * empty strings. Managers are never forgotten, so a stale list only costs a failed call. Pure.
 */
export function mergeManagers(known: readonly string[], learned: readonly string[]): string[] {
  const out: string[] = [];
  for (const addr of [...known, ...learned]) {
    if (addr !== '' && !out.includes(addr)) out.push(addr);
  }
  return out;
}

/**
 * Error codes after which retrying cannot help: the cluster refuses this node's certificate.
 * `NODE_NOT_FOUND` is not one: a manager may not have applied the node's creation yet.
 */
export const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'CA_NODE_REMOVED',
  'CA_PEER_FORBIDDEN',
  'CA_PEER_UNAUTHENTICATED',
]);

/** Whether a failed heartbeat with error `code` means the node is refused for good. Pure. */
export function isRefusal(code: string | undefined): boolean {
  return code !== undefined && REFUSAL_CODES.has(code);
}
