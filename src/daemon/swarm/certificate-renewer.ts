import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TLSInfo } from '../../api/objects/common.ts';
import { writeFileAtomic } from '../../base/atomic-file.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { Rng } from '../../base/rng.ts';
import { verifyNodeCertificateChain } from '../../manager/ca/certificate-chain.ts';
import { leafIssuerInfo } from '../../manager/ca/certificate-issuer-info.ts';
import { CertificateRenewer } from '../../manager/ca/certificate-renewal.ts';
import type { RenewalReason } from '../../manager/ca/certificate-renewal.ts';
import { readNodeIdentity } from '../../manager/ca/node-certificate.ts';
import type { NodeIdentity } from '../../manager/ca/node-certificate.ts';
import { createNodeCsr } from '../../manager/ca/node-csr.ts';
import type { NodeRole } from '../../manager/ca/node-role.ts';
import { splitCertificates } from '../../manager/ca/pem.ts';
import { mutualTlsClientOptions } from '../../manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import {
  certificateStatusMethod,
  renewCertificateMethod,
} from '../../manager/join/join-methods.ts';
import { RpcClient } from '../../manager/rpc/rpc-client.ts';
import { saveSwarmCertificates } from './swarm-certificates.ts';
import type { SwarmCertificates } from './swarm-certificates.ts';

/** Written first, removed last: a renewal interrupted between the three files is redone from it. */
const PENDING_FILE = 'swarm-node.pending.json';

/**
 * Finishes a renewal a crash interrupted: when `<dir>/swarm-node.pending.json` exists, its
 * key, certificate and roots are written over the three certificate files and it is removed.
 * Call before reading the certificates at start (a no-op when there is nothing pending).
 */
export async function completePendingRenewal(dir: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(dir, PENDING_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await saveSwarmCertificates(dir, JSON.parse(text) as SwarmCertificates);
  await rm(join(dir, PENDING_FILE), { force: true });
}

async function saveRenewed(dir: string, identity: TlsIdentity): Promise<void> {
  const certs: SwarmCertificates = {
    rootCaCertPem: identity.trustedRootsPem.join(''),
    nodeCertPem: identity.certChainPem,
    nodeKeyPem: identity.keyPem,
  };
  // One atomic write holds the whole set, so key and certificate can never be left mismatched.
  await writeFileAtomic(join(dir, PENDING_FILE), JSON.stringify(certs), 0o600);
  await completePendingRenewal(dir);
}

/** The `TLSInfo` a node reports for `identity`: its certificate's issuer and the roots it trusts. */
export function tlsInfoOf(identity: TlsIdentity): TLSInfo {
  const issuer = leafIssuerInfo(identity.certChainPem, identity.trustedRootsPem);
  return { TrustRoot: identity.trustedRootsPem.join(''), ...issuer };
}

/** What a {@link NodeCertificateRenewer} runs as. */
export interface NodeCertificateRenewerOptions {
  readonly clusterId: string;
  /** `<data-dir>/swarm/certificates`: renewed material is written here. */
  readonly certificatesDir: string;
  /** The identity the node runs with at start. */
  readonly initial: TlsIdentity;
  /** The leader's cluster address (the manager the agent heartbeats), `undefined` if unknown. */
  readonly leader: () => string | undefined;
  /**
   * Called after each change of identity (new certificate, or new trusted roots), once the
   * files are written: a manager passes it to `ManagerRuntime.setIdentity`.
   */
  readonly onIdentity?: (identity: TlsIdentity) => void;
  /** How often the leader is asked for the certificate's status. Default 5 s. */
  readonly checkIntervalMs?: number;
}

/** What a {@link NodeCertificateRenewer} takes from the daemon. */
export interface NodeCertificateRenewerDeps {
  /** Renewal deadlines, checks and peer validity follow it. */
  readonly clock: Clock;
  /** Draws each certificate's renewal point in 50–80 % of its validity. */
  readonly rng: Rng;
  readonly logger: Logger;
}

function sameRoots(a: readonly string[], b: readonly string[]): boolean {
  return a.join('') === b.join('');
}

/**
 * The node's certificate keeper (swarmkit's `TLSRenewer` with the node's root-CA watch). Every
 * `checkIntervalMs` it asks the leader `certificateStatus`, reporting the certificate it uses
 * (its issuer becomes the node's `Description.TLSInfo`), and learns its role, whether a root
 * rotation wants its certificate reissued, and the roots to trust. It renews through
 * `renewCertificate` with a fresh key when the certificate is due (a random point in 50–80 %
 * of its validity, see certificate-renewal.ts), expired, names another role than the records
 * (promotion, demotion), or a rotation asks for it. New material is written atomically to the
 * certificates dir, then {@link identity} returns it (read by every new connection of the
 * agent's client) and `onIdentity` is told (the manager's listener and Raft transport). Trust
 * follows the leader: both roots during a rotation, the new one alone after it. Failures are
 * logged and retried at the next check.
 */
export class NodeCertificateRenewer {
  private current: TlsIdentity;
  private readonly rpc: RpcClient;
  private readonly timer: CertificateRenewer;
  private role: NodeRole;
  private chain: Promise<unknown> = Promise.resolve();
  private cancelCheck: CancelTimer = () => {};
  private running = false;

  constructor(
    private readonly options: NodeCertificateRenewerOptions,
    private readonly deps: NodeCertificateRenewerDeps,
  ) {
    this.current = options.initial;
    this.role = this.held().role;
    const policy = {
      clusterId: options.clusterId,
      now: () => deps.clock.now(),
      isRemoved: () => false,
      allowedRoles: ['manager' as const],
    };
    this.rpc = new RpcClient(
      { tlsOptions: () => mutualTlsClientOptions(this.current, policy) },
      { clock: deps.clock },
    );
    this.timer = new CertificateRenewer(deps, (reason) => {
      void this.queue(() => this.renew(reason));
    });
  }

  /** The identity to present and trust now; read it at each new connection. */
  identity(): TlsIdentity {
    return this.current;
  }

  /** Starts checking (now, then every interval) and arms the expiry timer. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer.track(this.held(), this.role);
    this.scheduleCheck(0);
  }

  /** Stops the timers, closes the client, and waits for a check or renewal in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelCheck();
    this.timer.stop();
    // Closing first fails a call in flight at once; files being written are finished.
    this.rpc.close();
    await this.chain;
  }

  /** One status check (and the renewal it calls for) after those queued (tests). */
  checkNow(): Promise<void> {
    return this.queue(() => this.check());
  }

  private held(): NodeIdentity {
    return readNodeIdentity(this.current.certChainPem);
  }

  private queue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task).catch((error: unknown) => {
      this.deps.logger.warn('certificate check failed; retrying later', { error: String(error) });
    });
    this.chain = run;
    return run;
  }

  private scheduleCheck(delayMs: number): void {
    this.cancelCheck();
    this.cancelCheck = this.deps.clock.setTimer(delayMs, () => {
      if (!this.running) return;
      void this.checkNow().finally(() => {
        if (this.running) this.scheduleCheck(this.options.checkIntervalMs ?? 5_000);
      });
    });
  }

  /** `mayRenew` is false for the report right after a renewal, so a CA that keeps asking cannot loop. */
  private async check(mayRenew = true): Promise<void> {
    const leader = this.options.leader();
    if (leader === undefined || !this.running) return;
    const reply = await this.rpc.call(leader, certificateStatusMethod, {
      tlsInfo: tlsInfoOf(this.current),
    });
    this.role = reply.role;
    if (!sameRoots(reply.trustedRoots, this.current.trustedRootsPem)) {
      await this.install({ ...this.current, trustedRootsPem: [...reply.trustedRoots] });
      this.deps.logger.info('trusted root CAs updated', { roots: reply.trustedRoots.length });
    }
    if (reply.renew && mayRenew) return this.renew('rotation');
    // A role the records no longer give this certificate fires the renewal at once.
    this.timer.track(this.held(), this.role);
  }

  private async renew(reason: RenewalReason | 'rotation'): Promise<void> {
    const leader = this.options.leader();
    if (leader === undefined || !this.running) return;
    const held = this.held();
    const csr = await createNodeCsr({ nodeId: held.nodeId, clusterId: held.clusterId });
    const reply = await this.rpc.call(leader, renewCertificateMethod, { csr: csr.csrPem });
    const roots = splitCertificates(reply.rootCA);
    const issued = verifyNodeCertificateChain(reply.certificate, roots, this.deps.clock.now());
    if (issued.nodeId !== held.nodeId || issued.clusterId !== held.clusterId) {
      throw new Error(`the CA issued a certificate for ${issued.nodeId}, not ${held.nodeId}`);
    }
    await this.install({
      keyPem: csr.key.pem,
      certChainPem: reply.certificate,
      trustedRootsPem: roots,
    });
    this.role = issued.role;
    this.timer.track(issued, this.role);
    this.deps.logger.info('node certificate renewed', { reason, role: issued.role });
    // Report the new issuer at once, so a rotation waiting for this node moves on.
    await this.check(false);
  }

  private async install(identity: TlsIdentity): Promise<void> {
    await saveRenewed(this.options.certificatesDir, identity);
    this.current = identity;
    this.options.onIdentity?.(identity);
  }
}
