import type { NodeId } from '../../raft/core/types.ts';
import { caError } from '../ca/ca-errors.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import type { ManagerAdmission } from '../membership/membership-reconciler.ts';
import type { MethodSpec } from '../rpc/rpc-methods.ts';
import { readStringFields } from '../rpc/rpc-methods.ts';
import type { RpcServer } from '../rpc/rpc-server.ts';

/** Request of {@link raftJoinMethod}. */
export interface RaftJoinRequest {
  /** `host:port` the caller's cluster listener is reached on; the member is recorded with it. */
  readonly advertiseAddr: string;
}

/** Reply of {@link raftJoinMethod}: the raft ID to start under and the members to reach. */
export interface RaftJoinReply {
  readonly raftId: number;
  readonly peers: readonly { readonly raftId: number; readonly addr: string }[];
}

/**
 * `raftJoin` (managers only): a node already in the cluster whose certificate now says
 * manager (a promoted worker) asks to become a Raft member. The leader records it and adds it
 * as a learner (see `MembershipReconciler.addManager`: a node already a member at the same
 * address gets its raft ID back, a removed member never does); the reconciler makes it a voter
 * once caught up. The node is the caller's certificate identity, never a request field.
 * Errors: `MANAGER_NOT_LEADER` off the leader, `NODE_NOT_MANAGER` when the node's desired role
 * is no longer manager, `NODE_NOT_FOUND`.
 */
export const raftJoinMethod: MethodSpec<RaftJoinRequest, RaftJoinReply> = {
  name: 'raftJoin',
  kind: 'unary',
  access: 'manager',
  readRequest: (body) => readStringFields(body, ['advertiseAddr']),
};

/** What {@link registerRaftJoinRpc} needs of a manager; a `Manager` fits. */
export interface RaftJoinHost {
  readonly raftView: { leader(): NodeId };
  isLeader(): boolean;
  addManager(nodeId: string, addr: string): Promise<ManagerAdmission>;
}

/**
 * Registers {@link raftJoinMethod} on `rpc`, answered by `host` on the leader. A follower
 * answers `MANAGER_NOT_LEADER` rather than forwarding: a forwarded call would carry the
 * follower's certificate, not the promoted node's (the caller finds the leader through
 * `dispatcher.managers`). Throws if the name is already registered.
 */
export function registerRaftJoinRpc(rpc: RpcServer, host: RaftJoinHost): void {
  rpc.unary(raftJoinMethod, async (request, { caller }) => {
    if (caller.anonymous) {
      throw caError('CA_PEER_UNAUTHENTICATED', 'Permission denied: a node certificate is needed');
    }
    if (!host.isLeader()) throw notLeader(host.raftView.leader());
    const admission = await host.addManager(caller.nodeId, request.advertiseAddr);
    return { raftId: admission.raftId, peers: admission.peers };
  });
}
