import { rm } from 'node:fs/promises';
import { statusOf } from '../../api/errors.ts';
import type { Clock } from '../../base/clock.ts';
import { ShoalError } from '../../base/errors.ts';
import type { Logger } from '../../base/logger.ts';
import { newObjectId } from '../../api/ids.ts';
import { createNodeCsr } from '../../manager/ca/node-csr.ts';
import { signNodeCertificate } from '../../manager/ca/node-certificate.ts';
import type { RandomBytes } from '../../manager/ca/random-bytes.ts';
import { createRootCa, loadRootCa } from '../../manager/ca/root-ca.ts';
import type { RootCa } from '../../manager/ca/root-ca.ts';
import { initCluster, requireCluster } from '../../manager/controlapi/swarm.ts';
import { parseAddress } from '../../raft/transport/socket-layer.ts';
import type { SwarmInitRequest } from '../../server/swarm-backend.ts';
import type { DaemonConfig } from '../config.ts';
import { parseHostPort } from '../config.ts';
import type { DataDirLayout } from '../data-dir.ts';
import type { SwarmMembership } from '../node-state.ts';
import { advertiseAddress, chooseAdvertiseHost } from './advertise-address.ts';
import type { HostInterfaces } from './advertise-address.ts';
import { ManagerRuntime, loadMemberRecord, saveMemberRecord } from './manager-runtime.ts';
import {
  loadSwarmCertificates,
  removeSwarmCertificates,
  saveSwarmCertificates,
  tlsIdentityOf,
} from './swarm-certificates.ts';
import { autolockUnsupported, swarmFeatureMissing } from './swarm-errors.ts';

/** What starting a swarm member needs from the daemon. */
export interface SwarmStartContext {
  readonly config: DaemonConfig;
  readonly layout: DataDirLayout;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly randomBytes: RandomBytes;
  readonly interfaces: () => HostInterfaces;
  /** How long `swarm init` waits for this manager to lead. */
  readonly leaderTimeoutMs: number;
  /** Raft tick override (tests); default the RaftNode's. */
  readonly tickMs?: number;
  /** The daemon's version, reported in the node description its agent sends. */
  readonly engineVersion: string;
}

/** A running manager and the membership to persist for it. */
export interface StartedManager {
  readonly runtime: ManagerRuntime;
  readonly membership: SwarmMembership;
}

/** The `ListenAddr` the Docker CLI sends when the user gave none; the daemon's flag wins then. */
const CLI_DEFAULT_LISTEN = '0.0.0.0:2377';

/**
 * The cluster listener's address for an init or join: the request's `ListenAddr`, unless it
 * is absent or the CLI's default, when the daemon's `--listen-addr` wins.
 */
export function listenFor(
  request: { readonly ListenAddr?: string },
  config: DaemonConfig,
): { host: string; port: number } {
  const asked = request.ListenAddr;
  if (asked === undefined || asked === '' || asked === CLI_DEFAULT_LISTEN) return config.listenAddr;
  return parseHostPort('ListenAddr', asked, config.listenAddr.port);
}

function newRaftId(randomBytes: RandomBytes): number {
  // Raft's proposal envelope carries the member ID in 32 bits (31 here, to stay clear of sign
  // bugs); 0 means "no member" to Raft.
  const id = Buffer.from(randomBytes(4)).readUInt32BE(0) & 0x7fffffff;
  return id === 0 ? 1 : id;
}

async function issueManagerCertificate(
  root: RootCa,
  nodeId: string,
  clusterId: string,
  ctx: SwarmStartContext,
): Promise<{ certPem: string; keyPem: string }> {
  const { key, csrPem } = await createNodeCsr({ nodeId, role: 'manager', clusterId });
  const certPem = await signNodeCertificate({
    csrPem,
    issuer: { certPem: root.certPem, key: root.key },
    node: { nodeId, role: 'manager', clusterId },
    now: ctx.clock.now(),
    randomBytes: ctx.randomBytes,
  });
  return { certPem, keyPem: key.pem };
}

/**
 * `swarm init`: makes the root CA and this node's manager certificate, starts the manager
 * (cluster listener, Raft over TLS, FileStorage) bootstrapped with itself as the only voter,
 * waits for it to lead and writes the cluster into the store. The store chooses the cluster
 * ID, so the certificate is re-issued for it once known (the first one was never shown to a
 * peer). Certificates and the member record are saved before this resolves; the caller
 * persists the membership. On failure everything started is stopped and the swarm files removed.
 */
export async function initSwarm(
  request: SwarmInitRequest,
  ctx: SwarmStartContext,
): Promise<StartedManager> {
  if (request.AutoLockManagers === true || request.Spec?.EncryptionConfig?.AutoLockManagers) {
    throw autolockUnsupported();
  }
  const listen = listenFor(request, ctx.config);
  const choice = chooseAdvertiseHost({
    ...(request.AdvertiseAddr === undefined ? {} : { requested: request.AdvertiseAddr }),
    ...(ctx.config.advertiseAddr === undefined ? {} : { configured: ctx.config.advertiseAddr }),
    listenHost: listen.host,
    interfaces: ctx.interfaces(),
  });
  const nodeId = newObjectId(ctx.randomBytes);
  const raftId = newRaftId(ctx.randomBytes);
  const root = await createRootCa({ now: ctx.clock.now(), randomBytes: ctx.randomBytes });
  let runtime: ManagerRuntime | undefined;
  try {
    await removeSwarmFiles(ctx.layout);
    runtime = await startFirstManager(root, nodeId, raftId, listen, ctx);
    const listenAddr = runtime.listenAddress;
    const addr = advertiseAddress(choice, parseAddress(listenAddr).port);
    await runtime.waitForLeadership(ctx.clock, ctx.leaderTimeoutMs);
    const clusterId = await writeCluster(runtime, request, { nodeId, raftId, addr, root }, ctx);
    const cert = await issueManagerCertificate(root, nodeId, clusterId, ctx);
    const certs = {
      rootCaCertPem: root.certPem,
      rootCaKeyPem: root.key.pem,
      nodeCertPem: cert.certPem,
      nodeKeyPem: cert.keyPem,
    };
    runtime.setIdentity(tlsIdentityOf(certs), clusterId);
    await saveSwarmCertificates(ctx.layout.certificates, certs);
    await saveMemberRecord(ctx.layout.raft, { raftId, listenAddr });
    const membership: SwarmMembership = {
      nodeId,
      clusterId,
      role: 'manager',
      advertiseAddr: addr,
      managers: [addr],
    };
    return { runtime, membership };
  } catch (err) {
    await runtime?.stop();
    await removeSwarmFiles(ctx.layout);
    throw err;
  }
}

/** Starts the bootstrapping manager under a provisional cluster ID (the store picks the real one). */
async function startFirstManager(
  root: RootCa,
  nodeId: string,
  raftId: number,
  listen: { host: string; port: number },
  ctx: SwarmStartContext,
): Promise<ManagerRuntime> {
  const provisionalCluster = newObjectId(ctx.randomBytes);
  const first = await issueManagerCertificate(root, nodeId, provisionalCluster, ctx);
  return ManagerRuntime.start(
    {
      nodeId,
      clusterId: provisionalCluster,
      raftId,
      identity: tlsIdentityOf({
        rootCaCertPem: root.certPem,
        nodeCertPem: first.certPem,
        nodeKeyPem: first.keyPem,
      }),
      listen,
      raftDir: ctx.layout.raft,
      bootstrap: true,
      ...(ctx.tickMs === undefined ? {} : { tickMs: ctx.tickMs }),
    },
    ctx,
  );
}

/** Writes the cluster, first node and Raft member through the leading manager; returns the cluster ID. */
async function writeCluster(
  runtime: ManagerRuntime,
  request: SwarmInitRequest,
  first: { nodeId: string; raftId: number; addr: string; root: RootCa },
  ctx: SwarmStartContext,
): Promise<string> {
  const manager = runtime.manager;
  await initCluster(
    manager.store,
    {
      nodeId: first.nodeId,
      raftId: first.raftId,
      addr: first.addr,
      rootCaCert: first.root.certPem,
      rootCaKey: first.root.key.pem,
      ...(request.Spec === undefined ? {} : { spec: request.Spec }),
      ...(request.DefaultAddrPool === undefined
        ? {}
        : { defaultAddrPool: request.DefaultAddrPool }),
      ...(request.SubnetSize === undefined ? {} : { subnetSize: request.SubnetSize }),
      ...(request.DataPathPort === undefined ? {} : { dataPathPort: request.DataPathPort }),
      ...(request.Availability === undefined ? {} : { availability: request.Availability }),
      description: { Hostname: ctx.config.hostname },
    },
    { randomBytes: ctx.randomBytes, raft: manager.raftView },
  );
  return manager.store.view((r) => requireCluster(r).id);
}

/**
 * A restart into the membership `state.json` recorded: reloads the certificates and the
 * member record and starts the manager over the same Raft log, on the same listen address,
 * without bootstrapping. Only for managers (`DAEMON_SWARM_UNSUPPORTED` otherwise): a worker
 * runs no manager and resumes through `loadWorkerIdentity`.
 */
export async function resumeSwarm(
  membership: SwarmMembership,
  ctx: SwarmStartContext,
): Promise<ManagerRuntime> {
  if (membership.role !== 'manager') throw swarmFeatureMissing('restarting a swarm worker');
  const [certs, record] = await Promise.all([
    loadSwarmCertificates(ctx.layout.certificates),
    loadMemberRecord(ctx.layout.raft),
  ]).catch((cause: unknown) => {
    throw new ShoalError(
      'NODE_STATE_CORRUPT',
      `${ctx.layout.stateFile} says this node is a manager of swarm ${membership.clusterId}, but its swarm files are unreadable (${(cause as Error).message}); restore ${ctx.layout.certificates} and ${ctx.layout.raft} from a backup, or set "swarm" to null in state.json to start outside the swarm`,
      { status: statusOf('NODE_STATE_CORRUPT'), cause },
    );
  });
  if (certs.rootCaKeyPem !== undefined) await loadRootCa(certs.rootCaCertPem, certs.rootCaKeyPem);
  return ManagerRuntime.start(
    {
      nodeId: membership.nodeId,
      clusterId: membership.clusterId,
      raftId: record.raftId,
      identity: tlsIdentityOf(certs),
      listen: parseAddress(record.listenAddr),
      raftDir: ctx.layout.raft,
      bootstrap: false,
      ...(ctx.tickMs === undefined ? {} : { tickMs: ctx.tickMs }),
    },
    ctx,
  );
}

/** Deletes the certificates and the Raft directory (`swarm leave`, a failed `init`). */
export async function removeSwarmFiles(layout: DataDirLayout): Promise<void> {
  await removeSwarmCertificates(layout.certificates);
  await rm(layout.raft, { recursive: true, force: true });
}
