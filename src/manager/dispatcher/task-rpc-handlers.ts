import { caError } from '../ca/ca-errors.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import type { Caller, NodeCaller } from '../rpc/rpc-caller.ts';
import type { RpcServer } from '../rpc/rpc-server.ts';
import type { Dispatcher } from './dispatcher.ts';
import { assignmentsMethod, updateTaskStatusMethod } from './task-rpc-methods.ts';

/**
 * Registers `dispatcher.assignments` and `dispatcher.updateTaskStatus` on `rpc`, served by the
 * dispatcher `dispatcher()` returns (undefined off the leader: `MANAGER_NOT_LEADER`). The node
 * is always the caller's verified certificate, never a field of the body.
 */
export function registerTaskRpc(rpc: RpcServer, dispatcher: () => Dispatcher | undefined): void {
  const leader = (): Dispatcher => {
    const found = dispatcher();
    if (found === undefined) throw notLeader();
    return found;
  };
  rpc.stream(assignmentsMethod, (_request, { caller, signal }) =>
    leader().assignments(certified(caller).nodeId, signal),
  );
  rpc.unary(updateTaskStatusMethod, async (request, { caller }) => {
    await leader().updateTaskStatus(certified(caller).nodeId, request.updates);
    return {};
  });
}

function certified(caller: Caller): NodeCaller {
  if (caller.anonymous) {
    throw caError('CA_PEER_UNAUTHENTICATED', 'Permission denied: a node certificate is needed');
  }
  return caller;
}
