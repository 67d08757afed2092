import type { Task } from '../../api/objects/task.ts';
import { caError } from '../ca/ca-errors.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import { taskNotAssigned } from '../dispatcher/task-errors.ts';
import type { Caller, NodeCaller } from '../rpc/rpc-caller.ts';
import type { RpcServer } from '../rpc/rpc-server.ts';
import type { LogBroker } from './log-broker.ts';
import { listenLogsMethod, publishLogsMethod, subscribeLogsMethod } from './log-rpc-methods.ts';

/**
 * Registers `logs.listen`, `logs.publish` and `logs.subscribe` on `rpc`, served by the broker
 * `broker()` returns (undefined off the leader: `MANAGER_NOT_LEADER`). The node of a listen or
 * publish call is the caller's certificate; a chunk of another node's task fails the publish
 * with `TASK_NOT_ASSIGNED`.
 */
export function registerLogRpc(rpc: RpcServer, broker: () => LogBroker | undefined): void {
  const leaderBroker = (): LogBroker => {
    const found = broker();
    if (found === undefined) throw notLeader();
    return found;
  };
  rpc.stream(listenLogsMethod, (_request, { caller, signal }) =>
    leaderBroker().listen(certified(caller).nodeId, signal),
  );
  rpc.unary(publishLogsMethod, async (request, { caller }) => {
    const nodeId = certified(caller).nodeId;
    const check = (task: Task | undefined): void => {
      if (task !== undefined && task.NodeID !== nodeId) throw taskNotAssigned(task.id);
    };
    const active = await leaderBroker().publish(
      nodeId,
      request.subscriptionId,
      request.messages,
      request.close === true,
      check,
    );
    return { active };
  });
  rpc.stream(subscribeLogsMethod, async function* (selector, { signal }) {
    for await (const m of leaderBroker().subscribe(selector, signal)) {
      yield { ...m, data: Buffer.from(m.data).toString('base64') };
    }
  });
}

function certified(caller: Caller): NodeCaller {
  if (caller.anonymous) {
    throw caError('CA_PEER_UNAUTHENTICATED', 'Permission denied: a node certificate is needed');
  }
  return caller;
}
