import type { NodeIdentity } from '../ca/node-certificate.ts';
import type { NodeRole } from '../ca/node-role.ts';

/** A node that proved its identity with a valid cluster certificate. */
export interface NodeCaller {
  readonly anonymous: false;
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
}

/** A connection that presented no certificate: a node joining the cluster. */
export interface AnonymousCaller {
  readonly anonymous: true;
}

/** Who is calling, as the TLS handshake and the peer policy established it. */
export type Caller = NodeCaller | AnonymousCaller;

/** The one anonymous caller value. */
export const anonymousCaller: AnonymousCaller = Object.freeze({ anonymous: true });

/** The caller named by a verified certificate identity (validity dates are dropped). */
export function nodeCaller(identity: NodeIdentity): NodeCaller {
  return {
    anonymous: false,
    nodeId: identity.nodeId,
    role: identity.role,
    clusterId: identity.clusterId,
  };
}

/**
 * Who may call a method: `anonymous` anyone, even without a certificate (the join RPCs);
 * `worker` any node of the cluster (managers included); `manager` managers only.
 */
export type Access = 'anonymous' | 'worker' | 'manager';

/** Whether `caller` may call a method with `access`; certificate checks came before this. */
export function mayCall(caller: Caller, access: Access): boolean {
  if (access === 'anonymous') return true;
  if (caller.anonymous) return false;
  return access === 'worker' || caller.role === 'manager';
}
