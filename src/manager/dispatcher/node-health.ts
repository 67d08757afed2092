import type { NodeState } from '../../api/objects/node.ts';

/** Swarm's grace multiplier: a node is down after this many periods without a heartbeat. */
export const DEFAULT_GRACE_MULTIPLIER = 3;
/** Swarm's jitter on the period handed to agents: up to ±500 ms. */
export const MAX_PERIOD_JITTER_MS = 500;
/** Status message of a node whose heartbeats stopped. */
export const HEARTBEAT_FAILURE = 'heartbeat failure';
/** Status message of a node whose session with the leader dropped (Swarm's words). */
export const DISCONNECTED_MESSAGE = 'node is currently trying to find new manager';
/** Status message of every node when a new leader starts tracking them. */
export const LEADERSHIP_CHANGE_MESSAGE =
  'Node moved to "unknown" state due to leadership change in cluster';

/** A node the dispatcher watches: its state as last written and when it expires. */
export interface TrackedNode {
  readonly nodeId: string;
  readonly state: NodeState;
  /** Clock time (ms) after which, without a heartbeat, the node is down. */
  readonly deadline: number;
}

/** A state change the dispatcher must write to the node's status. */
export interface NodeHealthTransition {
  readonly nodeId: string;
  readonly state: NodeState;
  readonly message: string;
}

/** When a node heard from at `now` with `periodMs` expires: `now + periodMs × grace`. */
export function heartbeatDeadline(now: number, periodMs: number, graceMultiplier: number): number {
  return now + periodMs * graceMultiplier;
}

/**
 * The period to hand an agent: `baseMs` moved by a uniform jitter of at most ±500 ms (and at
 * most a tenth of the period, so short test periods stay meaningful), from `random` in
 * [0, 1). Without `random`, exactly `baseMs`.
 */
export function jitteredPeriod(baseMs: number, random?: () => number): number {
  if (!random) return baseMs;
  const epsilon = Math.min(MAX_PERIOD_JITTER_MS, baseMs / 10);
  return Math.round(baseMs + (random() * 2 - 1) * epsilon);
}

/**
 * The nodes that go down at `now`: every tracked node past its deadline that is not down
 * already, with the message "heartbeat failure". Pure; order follows `tracked`.
 */
export function decideNodeHealth(
  tracked: Iterable<TrackedNode>,
  now: number,
): NodeHealthTransition[] {
  const out: NodeHealthTransition[] = [];
  for (const node of tracked) {
    if (node.state !== 'down' && now >= node.deadline) {
      out.push({ nodeId: node.nodeId, state: 'down', message: HEARTBEAT_FAILURE });
    }
  }
  return out;
}

/** The change a heartbeat makes: a node that is not ready becomes ready; else none. */
export function heartbeatTransition(node: {
  readonly nodeId: string;
  readonly state: NodeState;
}): NodeHealthTransition | undefined {
  return node.state === 'ready' ? undefined : { nodeId: node.nodeId, state: 'ready', message: '' };
}

/** The earliest deadline among nodes not yet down, or `undefined` when none is pending. */
export function nextDeadline(tracked: Iterable<TrackedNode>): number | undefined {
  let next: number | undefined;
  for (const node of tracked) {
    if (node.state === 'down') continue;
    if (next === undefined || node.deadline < next) next = node.deadline;
  }
  return next;
}
