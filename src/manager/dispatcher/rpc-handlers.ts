import type { NodeDescription } from '../../api/objects/node.ts';
import type { NodeId } from '../../raft/core/types.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import { raftMembers } from '../../store/tables.ts';
import { caError } from '../ca/ca-errors.ts';
import type { Caller, NodeCaller } from '../rpc/rpc-caller.ts';
import type { RpcServer } from '../rpc/rpc-server.ts';
import { registerLogRpc } from '../logbroker/log-rpc-handlers.ts';
import type { Dispatcher, HeartbeatResponse } from './dispatcher.ts';
import type { ManagersReply } from './rpc-methods.ts';
import { heartbeatMethod, managersMethod } from './rpc-methods.ts';
import { registerTaskRpc } from './task-rpc-handlers.ts';

/**
 * What the dispatcher's RPC handlers need of a manager; a `Manager` fits. `heartbeat` throws
 * `MANAGER_NOT_LEADER` off the leader.
 */
export interface DispatcherRpcHost {
  readonly store: StoreReader;
  readonly raftView: { leader(): NodeId };
  heartbeat(nodeId: string, description?: NodeDescription): Promise<HeartbeatResponse>;
  /**
   * The running dispatcher (undefined off the leader). When the host has this method, the
   * task and log methods are served too (task-rpc-handlers.ts, ../logbroker).
   */
  dispatcher?(): Dispatcher | undefined;
}

/**
 * Registers `dispatcher.heartbeat` and `dispatcher.managers` on `rpc`, answered by `host`, and
 * when `host` offers `dispatcher()` the assignments, status and log methods.
 * The node a heartbeat is for is always the caller's verified certificate identity; bodies
 * never name it. Throws if the names are already registered.
 */
export function registerDispatcherRpc(rpc: RpcServer, host: DispatcherRpcHost): void {
  rpc.unary(heartbeatMethod, async (request, { caller }) => {
    const node = certifiedNode(caller);
    const { periodMs, role } = await host.heartbeat(node.nodeId, request.description);
    return {
      periodMs,
      managers: managerAddresses(host.store),
      ...(role === undefined ? {} : { role }),
    };
  });
  rpc.unary(managersMethod, (_request, { caller }) => {
    certifiedNode(caller);
    return managersOf(host.store, host.raftView.leader());
  });
  if (host.dispatcher !== undefined) {
    const dispatcher = (): Dispatcher | undefined => host.dispatcher?.();
    registerTaskRpc(rpc, dispatcher);
    registerLogRpc(rpc, () => dispatcher()?.logs);
  }
}

/**
 * The manager addresses and the leader's, from the replicated member table: members not
 * removed, in raft-ID order. `leader` is a raft ID (0 or unknown: no `leaderAddr`). Pure.
 */
export function managersOf(store: StoreReader, leader: NodeId): ManagersReply {
  const leaderAddr = store.all(raftMembers).find((m) => !m.Removed && m.RaftID === leader)?.Addr;
  return {
    managers: managerAddresses(store),
    ...(leaderAddr === undefined ? {} : { leaderAddr }),
  };
}

function managerAddresses(store: StoreReader): string[] {
  return store
    .all(raftMembers)
    .filter((m) => !m.Removed)
    .sort((a, b) => a.RaftID - b.RaftID)
    .map((m) => m.Addr);
}

function certifiedNode(caller: Caller): NodeCaller {
  // Access `worker` already refuses anonymous callers; this narrows the type and guards a
  // registration under a weaker access by mistake.
  if (caller.anonymous) {
    throw caError('CA_PEER_UNAUTHENTICATED', 'Permission denied: a node certificate is needed');
  }
  return caller;
}
