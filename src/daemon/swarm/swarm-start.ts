import type { ExecutorFactory } from '../executor-choice.ts';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { statusOf } from '../../api/errors.ts';
import type { Clock } from '../../base/clock.ts';
import { ShoalError } from '../../base/errors.ts';
import type { Logger } from '../../base/logger.ts';
import { newObjectId } from '../../api/ids.ts';
import { createNodeCsr } from '../../manager/ca/node-csr.ts';
import { signNodeCertificate } from '../../manager/ca/node-certificate.ts';
import type { RandomBytes } from '../../manager/ca/random-bytes.ts';
import { createRootCa } from '../../manager/ca/root-ca.ts';
import type { RootCa } from '../../manager/ca/root-ca.ts';
import { initCluster, requireCluster } from '../../manager/controlapi/swarm.ts';
import { MANAGER_KEYS_FILE } from '../../manager/keys/manager-keys-file.ts';
import { ManagerKeyring } from '../../manager/keys/manager-keyring.ts';
import { ENCRYPTION_HEADER_FILE } from '../../raft/storage/encryption-header.ts';
import type { SwarmSpec } from '../../api/objects/cluster.ts';
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
  loadLegacyRootCaKey,
  loadSwarmCertificates,
  removeSwarmCertificates,
  saveSwarmCertificates,
  tlsIdentityOf,
} from './swarm-certificates.ts';
import { swarmFeatureMissing } from './swarm-errors.ts';

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
  /** How often the node's certificate renewer asks the leader (tests); default 5 s. */
  readonly certificateCheckMs?: number;
  /** The daemon's version, reported in the node description its agent sends. */
  readonly engineVersion: string;
  /** Makes this node's executor (the one `--executor` chose); without one the agent runs no tasks. */
  readonly executorFor?: ExecutorFactory;
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

/** The spec `swarm init` writes: the request's, with autolock on when either field asks for it. */
function initSpec(request: SwarmInitRequest): SwarmSpec | undefined {
  const autolock =
    request.AutoLockManagers === true || request.Spec?.EncryptionConfig?.AutoLockManagers === true;
  if (!autolock) return request.Spec;
  return { ...request.Spec, EncryptionConfig: { AutoLockManagers: true } };
}

/**
 * `swarm init`: makes the root CA, this node's manager certificate and its keys (a new Raft
 * data key and the root CA key, sealed in the manager keys file), starts the manager
 * (cluster listener, Raft over TLS, encrypted FileStorage) bootstrapped with itself as the
 * only voter, waits for it to lead and writes the cluster into the store. The store chooses
 * the cluster ID, so the certificate is re-issued for it once known (the first one was never
 * shown to a peer). With autolock (`AutoLockManagers` or the spec's), the keys are re-sealed
 * under the new unlock key before this resolves, as are the certificates and the member
 * record; the caller persists the membership. On failure everything started is stopped and
 * the swarm files removed.
 */
export async function initSwarm(
  request: SwarmInitRequest,
  ctx: SwarmStartContext,
): Promise<StartedManager> {
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
    const keyring = await ManagerKeyring.create(
      ctx.layout.certificates,
      { rootCaKeyPem: root.key.pem },
      ctx,
    );
    runtime = await startFirstManager(root, nodeId, raftId, listen, keyring, ctx);
    const listenAddr = runtime.listenAddress;
    const addr = advertiseAddress(choice, parseAddress(listenAddr).port);
    await runtime.waitForLeadership(ctx.clock, ctx.leaderTimeoutMs);
    const clusterId = await writeCluster(runtime, request, { nodeId, raftId, addr, root }, ctx);
    const cluster = runtime.manager.store.view((r) => requireCluster(r));
    await keyring.protect({
      unlockKey: cluster.UnlockKey ?? '',
      recordVersion: cluster.meta.version,
    });
    const cert = await issueManagerCertificate(root, nodeId, clusterId, ctx);
    const certs = {
      rootCaCertPem: root.certPem,
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
  keyring: ManagerKeyring,
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
      keyring,
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
  const spec = initSpec(request);
  await initCluster(
    manager.store,
    {
      nodeId: first.nodeId,
      raftId: first.raftId,
      addr: first.addr,
      rootCaCert: first.root.certPem,
      rootCaKey: first.root.key.pem,
      ...(spec === undefined ? {} : { spec }),
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
 * A restart into the membership `state.json` recorded: reloads the certificates, the member
 * record and the manager keys, and starts the manager over the same (encrypted) Raft log, on
 * the same listen address, without bootstrapping. With autolock the keys need `unlockKey`:
 * without it this rejects with `SWARM_LOCKED`, with a wrong one `UNLOCK_KEY_INVALID`, and
 * nothing is started. Only for managers (`DAEMON_SWARM_UNSUPPORTED` otherwise, and for a
 * manager data dir written before encryption at rest): a worker runs no manager and resumes
 * through `loadWorkerIdentity`.
 */
export async function resumeSwarm(
  membership: SwarmMembership,
  ctx: SwarmStartContext,
  unlockKey?: string,
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
  const keyring = await openKeyring(ctx, unlockKey);
  return ManagerRuntime.start(
    {
      nodeId: membership.nodeId,
      clusterId: membership.clusterId,
      raftId: record.raftId,
      identity: tlsIdentityOf(certs),
      listen: parseAddress(record.listenAddr),
      raftDir: ctx.layout.raft,
      keyring,
      bootstrap: false,
      ...(ctx.tickMs === undefined ? {} : { tickMs: ctx.tickMs }),
    },
    ctx,
  );
}

/**
 * The manager keys, or a refusal naming the way out: `NODE_STATE_CORRUPT` when the keys file
 * is gone but the Raft data is encrypted (it cannot be read without it), and
 * `DAEMON_SWARM_UNSUPPORTED` for the plaintext Raft data of a build before encryption at rest.
 */
async function openKeyring(
  ctx: SwarmStartContext,
  unlockKey: string | undefined,
): Promise<ManagerKeyring> {
  try {
    return await ManagerKeyring.open(ctx.layout.certificates, unlockKey, ctx);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const keysFile = join(ctx.layout.certificates, MANAGER_KEYS_FILE);
    if (await raftDataEncrypted(ctx.layout.raft)) {
      throw new ShoalError(
        'NODE_STATE_CORRUPT',
        `${keysFile} is missing, and the Raft data in ${ctx.layout.raft} cannot be decrypted without it; restore it from a backup, or set "swarm" to null in state.json to start outside the swarm and join again`,
        { status: statusOf('NODE_STATE_CORRUPT'), cause: err },
      );
    }
    const legacy = await loadLegacyRootCaKey(ctx.layout.certificates);
    throw new ShoalError(
      'DAEMON_SWARM_UNSUPPORTED',
      `this manager's Raft data in ${ctx.layout.raft} was written by an older shoal build without encryption at rest ` +
        `(no ${keysFile}${legacy === undefined ? '' : ', a plaintext root CA key'}), which this build does not run; ` +
        'set "swarm" to null in state.json to start outside the swarm, remove the node from the swarm on another manager, and join it again',
      { status: statusOf('DAEMON_SWARM_UNSUPPORTED'), cause: err },
    );
  }
}

/** Whether the Raft directory's header says its data is encrypted (false when unreadable). */
async function raftDataEncrypted(raftDir: string): Promise<boolean> {
  try {
    const header = JSON.parse(await readFile(join(raftDir, ENCRYPTION_HEADER_FILE), 'utf8')) as {
      encrypted?: unknown;
    } | null;
    return header?.encrypted === true;
  } catch {
    return false;
  }
}

/** Deletes the certificates and the Raft directory (`swarm leave`, a failed `init`). */
export async function removeSwarmFiles(layout: DataDirLayout): Promise<void> {
  await removeSwarmCertificates(layout.certificates);
  await rm(layout.raft, { recursive: true, force: true });
  await rm(join(layout.root, 'worker'), { recursive: true, force: true });
}
