import type { NodeDescription } from '../../api/objects/node.ts';
import { rpcError } from '../rpc/rpc-errors.ts';
import type { MethodSpec } from '../rpc/rpc-methods.ts';

/**
 * Body of {@link heartbeatMethod}. It names no node: the caller is the node its verified
 * certificate names, so a node can only ever heartbeat for itself.
 */
export interface HeartbeatRequest {
  /** The node's description; sent with a session's first heartbeat, then left out. */
  readonly description?: NodeDescription;
}

/** Reply of {@link heartbeatMethod}. */
export interface HeartbeatReply {
  /** Milliseconds to wait before the next heartbeat (the dispatcher's jittered period). */
  readonly periodMs: number;
  /** `host:port` of every manager's cluster listener, for the agent to fail over to. */
  readonly managers: readonly string[];
  /**
   * The role the managers want the node in (`node promote`/`demote`): a node whose role
   * differs checks its certificate at once instead of at its next periodic check.
   */
  readonly role?: 'worker' | 'manager';
}

/** Reply of {@link managersMethod}. */
export interface ManagersReply {
  /** `host:port` of the leader as the answering manager knows it; absent when none is known. */
  readonly leaderAddr?: string;
  /** `host:port` of every manager's cluster listener. */
  readonly managers: readonly string[];
}

/**
 * `dispatcher.heartbeat` (nodes of the cluster, managers included): the leader records the
 * caller's heartbeat (and description) and answers with the period to wait. Off the leader it
 * fails with `MANAGER_NOT_LEADER`; the agent then asks the same manager
 * {@link managersMethod} where the leader is. `CA_NODE_REMOVED` / `NODE_NOT_FOUND` for a
 * removed or unknown node.
 */
export const heartbeatMethod: MethodSpec<HeartbeatRequest, HeartbeatReply> = {
  name: 'dispatcher.heartbeat',
  kind: 'unary',
  access: 'worker',
  readRequest: readHeartbeatRequest,
};

/**
 * `dispatcher.managers` (nodes of the cluster): any manager answers, from its replicated
 * store, with the manager addresses and the leader's. This is the redirect half of a refused
 * heartbeat: errors cross the wire as `{code, message}` only, so the address travels here.
 */
export const managersMethod: MethodSpec<Record<string, never>, ManagersReply> = {
  name: 'dispatcher.managers',
  kind: 'unary',
  access: 'worker',
  readRequest: () => ({}),
};

/** Validates a heartbeat body: `null`/`{}` or `{description: object}`; `RPC_BAD_REQUEST` otherwise. */
export function readHeartbeatRequest(body: unknown): HeartbeatRequest {
  if (body === null || body === undefined) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw rpcError('RPC_BAD_REQUEST', 'the heartbeat body must be a JSON object');
  }
  const description = (body as { description?: unknown }).description;
  if (description === undefined || description === null) return {};
  if (typeof description !== 'object' || Array.isArray(description)) {
    throw rpcError('RPC_BAD_REQUEST', 'the request field "description" must be an object');
  }
  return { description };
}
