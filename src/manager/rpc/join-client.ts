import type { PeerCertificate } from 'node:tls';
import type { Clock } from '../../base/clock.ts';
import { caError } from '../ca/ca-errors.ts';
import { verifyNodeCertificateChain } from '../ca/certificate-chain.ts';
import { checkRootCaFingerprint, parseJoinToken } from '../ca/join-token.ts';
import { readNodeIdentity } from '../ca/node-certificate.ts';
import type { NodeCsr } from '../ca/node-csr.ts';
import { createNodeCsr } from '../ca/node-csr.ts';
import type { NodeRole } from '../ca/node-role.ts';
import { TLS_MIN_VERSION } from '../ca/tls-identity.ts';
import type { TlsIdentity } from '../ca/tls-identity.ts';
import { RpcClient } from './rpc-client.ts';
import { getRootCaMethod, joinMethod } from './rpc-methods.ts';

/** Inputs of {@link joinCluster}. */
export interface JoinClusterInput {
  /** `SWMTKN-1-…` as the user pasted it. */
  readonly token: string;
  /** A manager's listen address, `host:port`. */
  readonly managerAddress: string;
  readonly hostname: string;
  /** `host:port` this node will listen on for cluster traffic. */
  readonly advertiseAddr: string;
  /** Per-call deadline. Default 10 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Services of {@link joinCluster}; `createCsr` is injectable so tests can watch it. */
export interface JoinClusterDeps {
  readonly clock: Clock;
  readonly createCsr?: () => Promise<NodeCsr>;
}

/**
 * What a node has after joining: its ID, role, cluster (from the verified certificate) and
 * full TLS identity for mutual TLS; for a manager, the raft ID and peers the leader admitted
 * it with (absent from older managers' replies).
 */
export interface JoinResult {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
  readonly identity: TlsIdentity;
  readonly raftId?: number;
  readonly peers?: readonly { readonly raftId: number; readonly addr: string }[];
}

/**
 * Joins a cluster as a node without a certificate, in an order that never gives the token to
 * a manager it cannot trust:
 *
 *   1. parse the token (its root digest pins the cluster's root CA);
 *   2. over TLS without client certificate and without verifying the server (the node has no
 *      CA yet), ask `getRootCA`, a request that carries nothing secret;
 *   3. check the root against the token's digest; a mismatch throws `CA_FINGERPRINT_MISMATCH`
 *      and nothing more is sent;
 *   4. over a new connection that verifies the server chains to that root and is a manager,
 *      send `join` (token, CSR, hostname, advertise address);
 *   5. check the returned certificate chains to the root and names the reply's node and role.
 * Rejects with the server's `ShoalError` (e.g. `CA_JOIN_TOKEN_REJECTED`) or an RPC error.
 */
export async function joinCluster(
  input: JoinClusterInput,
  deps: JoinClusterDeps,
): Promise<JoinResult> {
  parseJoinToken(input.token);
  const timeouts = input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs };
  const call = input.signal === undefined ? timeouts : { ...timeouts, signal: input.signal };
  const probe = new RpcClient(
    // Unverified on purpose: the root it returns is trusted only after the digest check.
    { tlsOptions: () => ({ rejectUnauthorized: false, minVersion: TLS_MIN_VERSION }), ...timeouts },
    deps,
  );
  let rootCA: string;
  try {
    ({ rootCA } = await probe.call(input.managerAddress, getRootCaMethod, {}, call));
  } finally {
    probe.close();
  }
  checkRootCaFingerprint(input.token, rootCA);

  const csr = await (deps.createCsr ?? (() => createNodeCsr()))();
  const pinned = new RpcClient({ tlsOptions: () => pinnedRootOptions(rootCA), ...timeouts }, deps);
  try {
    const reply = await pinned.call(
      input.managerAddress,
      joinMethod,
      {
        token: input.token,
        csr: csr.csrPem,
        hostname: input.hostname,
        advertiseAddr: input.advertiseAddr,
      },
      call,
    );
    const identity = verifyNodeCertificateChain(reply.certificate, [rootCA], deps.clock.now());
    if (identity.nodeId !== reply.nodeId || identity.role !== reply.role) {
      throw caError(
        'CA_CERT_INVALID',
        'the manager returned a certificate for another node or role',
      );
    }
    return {
      nodeId: reply.nodeId,
      role: reply.role,
      clusterId: identity.clusterId,
      identity: { keyPem: csr.key.pem, certChainPem: reply.certificate, trustedRootsPem: [rootCA] },
      ...(reply.raftId === undefined ? {} : { raftId: reply.raftId }),
      ...(reply.peers === undefined ? {} : { peers: reply.peers }),
    };
  } finally {
    pinned.close();
  }
}

/** TLS options that trust only `rootCA` and accept only a manager's certificate. */
function pinnedRootOptions(rootCA: string) {
  return {
    ca: [rootCA],
    rejectUnauthorized: true,
    minVersion: TLS_MIN_VERSION,
    checkServerIdentity: (_host: string, cert: PeerCertificate): Error | undefined => {
      try {
        if (readNodeIdentity(cert.raw).role === 'manager') return undefined;
        return caError('CA_PEER_FORBIDDEN', 'Permission denied: the joined node is not a manager');
      } catch (err) {
        return err as Error;
      }
    },
  };
}
