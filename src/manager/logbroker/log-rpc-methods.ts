import type { TaskLogSelector } from '../../api/objects/log-message.ts';
import { rpcError } from '../rpc/rpc-errors.ts';
import type { MethodSpec } from '../rpc/rpc-methods.ts';

/**
 * What `logs.listen` delivers to an agent: a subscription to serve (`close` absent), or the
 * end of one whose reader went away (`close: true`, no selector).
 */
export interface LogSubscriptionMessage {
  readonly id: string;
  readonly selector?: TaskLogSelector;
  readonly close?: boolean;
}

/** One log chunk on the wire: a {@link TaskLogMessage} without the node, data in base64. */
export interface WireLogMessage {
  readonly taskId: string;
  readonly stream: 'stdout' | 'stderr';
  readonly timestamp: string;
  /** The bytes, base64. */
  readonly data: string;
}

/** Body of {@link publishLogsMethod}. */
export interface PublishLogsRequest {
  readonly subscriptionId: string;
  readonly messages: readonly WireLogMessage[];
  /** This node has sent everything it has for the subscription (non-follow only). */
  readonly close?: boolean;
}

/** Reply of {@link publishLogsMethod}. */
export interface PublishLogsReply {
  /** False once the subscription is gone: the agent stops reading logs for it. */
  readonly active: boolean;
}

/**
 * `logs.listen` (nodes of the cluster): the leader's log broker streams the subscriptions that
 * involve the caller's tasks (the node is the caller's certificate), the active ones first.
 * Off the leader, or when it stops leading, `MANAGER_NOT_LEADER`; the agent reconnects.
 */
export const listenLogsMethod: MethodSpec<Record<string, never>, LogSubscriptionMessage> = {
  name: 'logs.listen',
  kind: 'stream',
  access: 'worker',
  readRequest: () => ({}),
};

/**
 * `logs.publish` (nodes of the cluster): log chunks of the caller's tasks for one
 * subscription; answers once the broker has room for more. `TASK_NOT_ASSIGNED` for a chunk of
 * another node's task.
 */
export const publishLogsMethod: MethodSpec<PublishLogsRequest, PublishLogsReply> = {
  name: 'logs.publish',
  kind: 'unary',
  access: 'worker',
  readRequest: readPublishLogsRequest,
};

/**
 * `logs.subscribe` (managers): a follower serving `service logs` reads the leader's broker
 * through this stream; items are wire messages with the node that sent them.
 */
export const subscribeLogsMethod: MethodSpec<
  TaskLogSelector,
  WireLogMessage & { readonly serviceId: string; readonly nodeId: string }
> = {
  name: 'logs.subscribe',
  kind: 'stream',
  access: 'manager',
  readRequest: readSelector,
};

/** Validates a publish body; `RPC_BAD_REQUEST` naming the first bad field otherwise. */
export function readPublishLogsRequest(body: unknown): PublishLogsRequest {
  const request = body as Partial<Record<keyof PublishLogsRequest, unknown>> | null;
  if (typeof request?.subscriptionId !== 'string') {
    throw rpcError('RPC_BAD_REQUEST', 'the request field "subscriptionId" must be a string');
  }
  if (!Array.isArray(request.messages)) {
    throw rpcError('RPC_BAD_REQUEST', 'the request field "messages" must be an array');
  }
  const messages = request.messages.map((raw: unknown, i) => {
    const m = raw as Partial<Record<keyof WireLogMessage, unknown>> | null;
    const ok =
      typeof m?.taskId === 'string' &&
      (m.stream === 'stdout' || m.stream === 'stderr') &&
      typeof m.timestamp === 'string' &&
      typeof m.data === 'string';
    if (!ok) throw rpcError('RPC_BAD_REQUEST', `messages[${i}] is not a log message`);
    return m as WireLogMessage;
  });
  return {
    subscriptionId: request.subscriptionId,
    messages,
    ...(request.close === true ? { close: true } : {}),
  };
}

/** Validates a {@link TaskLogSelector} body. */
export function readSelector(body: unknown): TaskLogSelector {
  const s = body as Partial<Record<keyof TaskLogSelector, unknown>> | null;
  const ids = (v: unknown): v is string[] =>
    v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  const num = (v: unknown): v is number | undefined =>
    v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
  if (s === null || typeof s !== 'object' || typeof s.follow !== 'boolean') {
    throw rpcError('RPC_BAD_REQUEST', 'a log selector needs "follow"');
  }
  if (!ids(s.serviceIds) || !ids(s.taskIds) || !num(s.tail) || !num(s.since)) {
    throw rpcError(
      'RPC_BAD_REQUEST',
      'a log selector has IDs as string arrays, tail and since as numbers',
    );
  }
  return {
    follow: s.follow,
    ...(s.serviceIds === undefined ? {} : { serviceIds: s.serviceIds }),
    ...(s.taskIds === undefined ? {} : { taskIds: s.taskIds }),
    ...(s.tail === undefined ? {} : { tail: s.tail }),
    ...(s.since === undefined ? {} : { since: s.since }),
  };
}
