import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readNodeIdentity } from '../../manager/ca/node-certificate.ts';
import type { NodeRole } from '../../manager/ca/node-role.ts';
import { mutualTlsClientOptions } from '../../manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import { raftJoinMethod } from '../../manager/join/raft-join-rpc.ts';
import type { RaftJoinReply } from '../../manager/join/raft-join-rpc.ts';
import { MANAGER_KEYS_FILE } from '../../manager/keys/manager-keys-file.ts';
import { ManagerKeyring } from '../../manager/keys/manager-keyring.ts';
import { RpcClient } from '../../manager/rpc/rpc-client.ts';
import { parseAddress } from '../../raft/transport/socket-layer.ts';
import { raftMembers } from '../../store/tables.ts';
import type { DaemonConfig } from '../config.ts';
import type { DataDirLayout } from '../data-dir.ts';
import type { SwarmMembership } from '../node-state.ts';
import { ManagerRuntime, saveMemberRecord } from './manager-runtime.ts';
import { loadSwarmCertificates } from './swarm-certificates.ts';
import type { StartedManager, SwarmStartContext } from './swarm-start.ts';

/** The role a node's certificate gives it (the CA signs the role the cluster records). */
export function certificateRole(identity: TlsIdentity): NodeRole {
  return readNodeIdentity(identity.certChainPem).role;
}

/** Deletes what only a manager keeps: the Raft directory and the sealed manager keys. */
export async function removeManagerData(layout: DataDirLayout): Promise<void> {
  await rm(layout.raft, { recursive: true, force: true });
  await rm(join(layout.certificates, MANAGER_KEYS_FILE), { force: true });
}

/**
 * Where a promoted worker listens: the daemon's `--listen-addr`, on the port of the address
 * it advertised at join when the flag asks for port 0 (the address the cluster knows it by).
 */
export function promotionListen(
  membership: SwarmMembership,
  config: DaemonConfig,
): { host: string; port: number } {
  if (config.listenAddr.port !== 0) return config.listenAddr;
  return { host: config.listenAddr.host, port: parseAddress(membership.advertiseAddr).port };
}

async function requestRaftJoin(
  identity: TlsIdentity,
  membership: SwarmMembership,
  leaderAddr: string,
  ctx: SwarmStartContext,
): Promise<RaftJoinReply> {
  const policy = {
    clusterId: membership.clusterId,
    now: () => ctx.clock.now(),
    isRemoved: () => false,
    allowedRoles: ['manager' as const],
  };
  const client = new RpcClient(
    { tlsOptions: () => mutualTlsClientOptions(identity, policy) },
    { clock: ctx.clock },
  );
  try {
    return await client.call(
      leaderAddr,
      raftJoinMethod,
      { advertiseAddr: membership.advertiseAddr },
      { timeoutMs: ctx.leaderTimeoutMs },
    );
  } finally {
    client.close();
  }
}

/**
 * Makes worker `membership`, whose certificate `identity` now says manager, a manager (as a
 * manager's `swarm join` does, with the certificate it already has): clears any manager data
 * an interrupted attempt left, asks the leader at `leaderAddr` for a Raft membership
 * (`raftJoin`: a learner the reconciler promotes to voter once caught up), makes this
 * manager's keys (a new Raft data key, sealed under a stored KEK until the cluster record
 * reaches the store), starts the manager on {@link promotionListen} and records the member.
 * Resolves with the running manager and the membership to persist (role manager); the caller
 * persists it. On failure whatever was started is stopped and the manager data removed.
 */
export async function promoteToManager(
  membership: SwarmMembership,
  identity: TlsIdentity,
  leaderAddr: string,
  ctx: SwarmStartContext,
): Promise<StartedManager> {
  const listen = promotionListen(membership, ctx.config);
  await removeManagerData(ctx.layout);
  let runtime: ManagerRuntime | undefined;
  try {
    const admission = await requestRaftJoin(identity, membership, leaderAddr, ctx);
    const keyring = await ManagerKeyring.create(ctx.layout.certificates, {}, ctx);
    runtime = await ManagerRuntime.start(
      {
        nodeId: membership.nodeId,
        clusterId: membership.clusterId,
        raftId: admission.raftId,
        identity,
        listen,
        raftDir: ctx.layout.raft,
        keyring,
        bootstrap: false,
        peers: admission.peers,
        ...(ctx.tickMs === undefined ? {} : { tickMs: ctx.tickMs }),
      },
      ctx,
    );
    await saveMemberRecord(ctx.layout.raft, {
      raftId: admission.raftId,
      listenAddr: runtime.listenAddress,
    });
    const managers = admission.peers.map((p) => p.addr);
    return { runtime, membership: { ...membership, role: 'manager', managers } };
  } catch (err) {
    await runtime?.stop();
    await removeManagerData(ctx.layout);
    throw err;
  }
}

/**
 * Makes manager `membership` a worker once the cluster has let it go (its certificate says
 * worker, which the CA signs only after the leader removed it from Raft): stops `runtime`
 * (undefined when a previous attempt already did), deletes the Raft data and manager keys,
 * and resolves with the membership to persist: role worker, and as managers to reach the
 * other members its store knew (else those recorded). The agent is not touched.
 */
export async function demoteToWorker(
  membership: SwarmMembership,
  runtime: ManagerRuntime | undefined,
  ctx: SwarmStartContext,
): Promise<SwarmMembership> {
  const known = runtime?.manager.store
    .view((r) => r.all(raftMembers))
    .filter((m) => m.Removed !== true && m.NodeID !== membership.nodeId)
    .map((m) => m.Addr);
  await runtime?.stop();
  await removeManagerData(ctx.layout);
  const others = membership.managers.filter((addr) => addr !== membership.advertiseAddr);
  const managers = known !== undefined && known.length > 0 ? known : others;
  return { ...membership, role: 'worker', managers };
}

/**
 * At start, the membership to resume: a manager whose certificate on disk already says worker
 * was stopped mid-demotion (after its renewal, before the role was recorded), so the demotion
 * is finished here (manager data removed) and the worker membership returned for the caller
 * to persist. Otherwise `membership` unchanged, also when the certificates are unreadable
 * (the resume path reports that).
 */
export async function resumeRole(
  membership: SwarmMembership,
  ctx: SwarmStartContext,
): Promise<SwarmMembership> {
  if (membership.role !== 'manager') return membership;
  let role: NodeRole;
  try {
    role = readNodeIdentity(
      (await loadSwarmCertificates(ctx.layout.certificates)).nodeCertPem,
    ).role;
  } catch {
    return membership;
  }
  if (role === 'manager') return membership;
  ctx.logger.info('finishing a demotion interrupted by a restart', { nodeId: membership.nodeId });
  return demoteToWorker(membership, undefined, ctx);
}
