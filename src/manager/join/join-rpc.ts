import { newObjectId } from '../../api/ids.ts';
import type { Clock } from '../../base/clock.ts';
import type { NodeId } from '../../raft/core/types.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import { roleForJoinToken } from '../ca/join-token.ts';
import { signNodeCertificate } from '../ca/node-certificate.ts';
import type { NodeRecord } from '../ca/node-certificate.ts';
import type { RandomBytes } from '../ca/random-bytes.ts';
import { notLeader } from '../controlapi/control-errors.ts';
import { registerNode } from '../controlapi/nodes.ts';
import { hostOf, requireCluster } from '../controlapi/swarm.ts';
import { managersOf } from '../dispatcher/rpc-handlers.ts';
import type { ManagerAdmission } from '../membership/membership-reconciler.ts';
import type { Caller } from '../rpc/rpc-caller.ts';
import { certifiedNode } from './certified-node.ts';
import type { RpcClient } from '../rpc/rpc-client.ts';
import type { CallContext, RpcServer } from '../rpc/rpc-server.ts';
import { getRootCaMethod } from '../rpc/rpc-methods.ts';
import type { IssuerSource } from './cluster-issuer.ts';
import { clusterSigning, recordIssuerSource } from './cluster-issuer.ts';
import type {
  ManagerJoinReply,
  ManagerJoinRequest,
  RenewCertificateReply,
} from './join-methods.ts';
import {
  certificateStatusMethod,
  managerJoinMethod,
  renewCertificateMethod,
} from './join-methods.ts';
import { certificateStatus } from './certificate-status.ts';

/** What the join handlers need of a manager; a `Manager` fits. */
export interface JoinRpcHost {
  readonly store: MemoryStore;
  readonly raftView: { leader(): NodeId };
  /** Whether this manager leads (and so may write and sign). */
  isLeader(): boolean;
  /** Adds a manager node to Raft as a learner; throws `MANAGER_NOT_LEADER` off the leader. */
  addManager(nodeId: string, addr: string): Promise<ManagerAdmission>;
}

/** Services of {@link registerJoinRpc}. */
export interface JoinRpcDeps {
  /** Certificate validity starts at `clock.now()`; peers check it against their wall clock. */
  readonly clock: Clock;
  /** Node IDs and certificate serial numbers. */
  readonly randomBytes: RandomBytes;
  /** The CA key; default: the cluster record's `RootCA` (see recordIssuerSource). */
  readonly issuer?: IssuerSource;
  /**
   * This manager's mutual-TLS client, used by a follower to proxy `join` to the leader. Without
   * it a follower answers `join` with `MANAGER_NOT_LEADER`.
   */
  readonly leaderClient?: RpcClient;
}

/**
 * Registers `getRootCA`, `join`, `renewCertificate` and `certificateStatus` (see
 * certificate-status.ts) on `rpc`, answered by `host`.
 *
 * `join` on the leader: the token is checked against the cluster's CURRENT tokens (a rotated-out
 * one fails `CA_JOIN_TOKEN_REJECTED`), the matching token decides the role, a fresh node ID is
 * drawn, the CSR is signed naming that ID, role and cluster (never the CSR's own subject),
 * then the Node is registered and, for a manager, added to Raft as a learner (the reconciler
 * promotes it). Nothing is written before the token and CSR pass. `join` on a follower is
 * proxied to the leader the replicated member table names, once: a proxied call (from a
 * manager's certificate) is never proxied again, so a stale view cannot loop.
 *
 * `renewCertificate` on the leader signs for the caller's certificate node ID with the role
 * the store holds now; off the leader it throws `MANAGER_NOT_LEADER`. Throws if the names are
 * already registered.
 */
export function registerJoinRpc(rpc: RpcServer, host: JoinRpcHost, deps: JoinRpcDeps): void {
  const issuer = deps.issuer ?? recordIssuerSource();
  rpc.unary(getRootCaMethod, () => {
    const cluster = requireCluster(host.store);
    return { rootCA: cluster.RootCA?.CACert ?? cluster.TLSInfo?.TrustRoot ?? '' };
  });
  rpc.unary(managerJoinMethod, (request, context) =>
    host.isLeader() ? admit(host, deps, issuer, request) : proxyJoin(host, deps, request, context),
  );
  rpc.unary(renewCertificateMethod, (request, { caller }) =>
    renew(host, deps, issuer, caller, request.csr),
  );
  rpc.unary(certificateStatusMethod, (request, { caller }) =>
    certificateStatus(host, caller, request.tlsInfo),
  );
}

async function admit(
  host: JoinRpcHost,
  deps: JoinRpcDeps,
  issuer: IssuerSource,
  request: ManagerJoinRequest,
): Promise<ManagerJoinReply> {
  const cluster = requireCluster(host.store);
  const role = roleForJoinToken(request.token, {
    worker: cluster.JoinTokens.Worker,
    manager: cluster.JoinTokens.Manager,
  });
  const signing = await clusterSigning(host.store, issuer);
  const nodeId = newObjectId(deps.randomBytes);
  const certificate = await sign(
    deps,
    signing,
    { nodeId, role, clusterId: signing.clusterId },
    request.csr,
  );
  await registerNode(host.store, {
    nodeId,
    role,
    addr: hostOf(request.advertiseAddr),
    description: { Hostname: request.hostname },
    ...(request.availability === undefined ? {} : { availability: request.availability }),
  });
  const reply = { nodeId, certificate, rootCA: signing.rootCA, role };
  if (role === 'worker') return reply;
  const admission = await host.addManager(nodeId, request.advertiseAddr);
  return { ...reply, raftId: admission.raftId, peers: admission.peers };
}

function sign(
  deps: JoinRpcDeps,
  signing: Awaited<ReturnType<typeof clusterSigning>>,
  node: NodeRecord,
  csrPem: string,
): Promise<string> {
  return signNodeCertificate({
    csrPem,
    issuer: signing.issuer,
    node,
    now: deps.clock.now(),
    randomBytes: deps.randomBytes,
    expiryMs: signing.expiryMs,
  });
}

function proxyJoin(
  host: JoinRpcHost,
  deps: JoinRpcDeps,
  request: ManagerJoinRequest,
  { caller, signal }: CallContext,
): Promise<ManagerJoinReply> {
  const leader = host.raftView.leader();
  const leaderAddr = managersOf(host.store, leader).leaderAddr;
  // A manager caller is a proxying follower: the leader it chose is not leading any more.
  if (!caller.anonymous || deps.leaderClient === undefined || leaderAddr === undefined) {
    return Promise.reject(notLeader(leader));
  }
  return deps.leaderClient.call(leaderAddr, managerJoinMethod, request, { signal });
}

async function renew(
  host: JoinRpcHost,
  deps: JoinRpcDeps,
  issuer: IssuerSource,
  caller: Caller,
  csrPem: string,
): Promise<RenewCertificateReply> {
  const node = certifiedNode(host, caller);
  const signing = await clusterSigning(host.store, issuer);
  const record = { nodeId: node.id, role: node.Role, clusterId: signing.clusterId };
  const certificate = await sign(deps, signing, record, csrPem);
  // Mid-rotation the renewed node must trust the new root too: the bundle holds both.
  return { certificate, role: node.Role, rootCA: signing.trustedRoots.join('') };
}
