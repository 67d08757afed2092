import { createServer } from 'node:net';
import { statusOf } from '../../api/errors.ts';
import { ShoalError } from '../../base/errors.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import { ManagerKeyring } from '../../manager/keys/manager-keyring.ts';
import { joinCluster } from '../../manager/rpc/join-client.ts';
import type { JoinResult } from '../../manager/rpc/join-client.ts';
import type { SwarmJoinRequest } from '../../server/swarm-backend.ts';
import type { SwarmMembership } from '../node-state.ts';
import { advertiseAddress, chooseAdvertiseHost } from './advertise-address.ts';
import type { AdvertiseChoice } from './advertise-address.ts';
import { ManagerRuntime, saveMemberRecord } from './manager-runtime.ts';
import {
  loadSwarmCertificates,
  saveSwarmCertificates,
  tlsIdentityOf,
} from './swarm-certificates.ts';
import { listenFor, removeSwarmFiles } from './swarm-start.ts';
import type { SwarmStartContext } from './swarm-start.ts';

/**
 * A node that has joined: the membership to persist, the identity it presents, and for a
 * manager the running runtime.
 */
export interface JoinedNode {
  readonly membership: SwarmMembership;
  readonly identity: () => TlsIdentity;
  readonly runtime?: ManagerRuntime;
}

type Listen = { host: string; port: number };

function badJoinRequest(message: string, field: string): ShoalError {
  return new ShoalError('SPEC_INVALID', message, { status: statusOf('SPEC_INVALID'), field });
}

/** A free port on `host`, for a listen address asking port 0 (the advertise address needs it first). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The address the node gives the managers; a manager's listener will be bound to its port. */
function joinAdvertise(request: SwarmJoinRequest, listen: Listen, ctx: SwarmStartContext): string {
  const requested = request.AdvertiseAddr ?? '';
  let choice: AdvertiseChoice;
  try {
    choice = chooseAdvertiseHost({
      ...(requested === '' ? {} : { requested }),
      ...(ctx.config.advertiseAddr === undefined ? {} : { configured: ctx.config.advertiseAddr }),
      listenHost: listen.host,
      interfaces: ctx.interfaces(),
    });
  } catch (err) {
    // An ambiguous host must not stop a join the user gave no address for: the listen host
    // is used, as a worker's address is only informative.
    if (requested !== '') throw err;
    choice = { host: listen.host };
  }
  return advertiseAddress(choice, listen.port);
}

/**
 * `swarm join`: checks the request (at least one remote address and a token), joins through
 * the first manager (the token's root digest is checked before the token is sent), saves the
 * certificate and key, and for a manager token makes its keys (a new Raft data key, sealed
 * in the manager keys file) and starts the manager (listener on the listen address,
 * encrypted FileStorage, Raft over TLS, no bootstrap) with the raft ID and peers the leader
 * gave, and records the member. On a failure after the join, what was started is stopped and
 * the swarm files removed. The caller persists the membership and starts the agent.
 */
export async function joinSwarm(
  request: SwarmJoinRequest,
  ctx: SwarmStartContext,
): Promise<JoinedNode> {
  const remote = request.RemoteAddrs.filter((addr) => addr !== '');
  const first = remote[0];
  if (first === undefined) {
    throw badJoinRequest('at least 1 RemoteAddr is required to join', 'RemoteAddrs');
  }
  if (request.JoinToken === '') throw badJoinRequest('a join token is required', 'JoinToken');
  const asked = listenFor(request, ctx.config);
  const listen = asked.port === 0 ? { ...asked, port: await freePort(asked.host) } : asked;
  const advertiseAddr = joinAdvertise(request, listen, ctx);
  const joined = await joinCluster(
    {
      token: request.JoinToken,
      managerAddress: first,
      hostname: ctx.config.hostname,
      advertiseAddr,
      timeoutMs: ctx.leaderTimeoutMs,
    },
    { clock: ctx.clock },
  );
  const membership: SwarmMembership = {
    nodeId: joined.nodeId,
    clusterId: joined.clusterId,
    role: joined.role,
    advertiseAddr,
    managers: joined.peers?.map((p) => p.addr) ?? remote,
  };
  let runtime: ManagerRuntime | undefined;
  try {
    await saveSwarmCertificates(ctx.layout.certificates, {
      rootCaCertPem: joined.identity.trustedRootsPem[0] ?? '',
      nodeCertPem: joined.identity.certChainPem,
      nodeKeyPem: joined.identity.keyPem,
    });
    if (joined.role === 'worker') return { membership, identity: () => joined.identity };
    runtime = await startJoinedManager(joined, listen, ctx);
    const started = runtime;
    return { membership, identity: () => started.identity, runtime };
  } catch (err) {
    await runtime?.stop();
    await removeSwarmFiles(ctx.layout);
    throw err;
  }
}

async function startJoinedManager(
  joined: JoinResult,
  listen: Listen,
  ctx: SwarmStartContext,
): Promise<ManagerRuntime> {
  const raftId = joined.raftId;
  if (raftId === undefined) {
    throw new ShoalError(
      'RPC_PROTOCOL',
      'the manager admitted this node as a manager but gave no raft ID',
      { status: statusOf('RPC_PROTOCOL') },
    );
  }
  // Sealed under a stored KEK for now: the keyring re-seals under the unlock key (and takes
  // the root CA key) once the cluster record reaches this manager's store.
  const keyring = await ManagerKeyring.create(ctx.layout.certificates, {}, ctx);
  const runtime = await ManagerRuntime.start(
    {
      nodeId: joined.nodeId,
      clusterId: joined.clusterId,
      raftId,
      identity: joined.identity,
      listen,
      raftDir: ctx.layout.raft,
      keyring,
      bootstrap: false,
      peers: joined.peers ?? [],
      ...(ctx.tickMs === undefined ? {} : { tickMs: ctx.tickMs }),
    },
    ctx,
  );
  try {
    await saveMemberRecord(ctx.layout.raft, { raftId, listenAddr: runtime.listenAddress });
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return runtime;
}

/** The identity a worker saved at join; `NODE_STATE_CORRUPT` when its files are unreadable. */
export async function loadWorkerIdentity(
  membership: SwarmMembership,
  ctx: SwarmStartContext,
): Promise<TlsIdentity> {
  try {
    return tlsIdentityOf(await loadSwarmCertificates(ctx.layout.certificates));
  } catch (cause) {
    throw new ShoalError(
      'NODE_STATE_CORRUPT',
      `${ctx.layout.stateFile} says this node is a worker of swarm ${membership.clusterId}, but its certificates are unreadable (${(cause as Error).message}); restore ${ctx.layout.certificates} from a backup, or set "swarm" to null in state.json to start outside the swarm`,
      { status: statusOf('NODE_STATE_CORRUPT'), cause },
    );
  }
}
