import type { CancelTimer } from '../../base/clock.ts';
import { SeededRng } from '../../base/rng.ts';
import type { TlsIdentity } from '../../manager/ca/tls-identity.ts';
import type { SwarmMembership } from '../node-state.ts';
import { NodeCertificateRenewer } from './certificate-renewer.ts';
import type { ManagerRuntime } from './manager-runtime.ts';
import {
  certificateRole,
  demoteToWorker,
  promoteToManager,
  removeManagerData,
} from './role-change.ts';
import type { SwarmStartContext } from './swarm-start.ts';

/** What a {@link RoleFollower} needs of the daemon's swarm lifecycle. */
export interface RoleFollowerHost {
  /** The membership `state.json` records now; null outside a swarm. */
  membership(): SwarmMembership | null;
  /** The manager running now, if any. */
  runtime(): ManagerRuntime | undefined;
  /** Installs the manager the node runs from now on; undefined takes it away from the API. */
  setRuntime(runtime: ManagerRuntime | undefined): void;
  /** Records `membership` in `state.json`. */
  saveMembership(membership: SwarmMembership): Promise<void>;
  /** The leader's cluster address as the agent's session knows it; undefined if unknown. */
  leader(): string | undefined;
  /** Runs `task` after the lifecycle calls queued before it, one at a time. */
  serially(task: () => Promise<void>): Promise<void>;
}

/** How long a failed role change waits before it is tried again. */
const RETRY_MS = 1_000;

/**
 * Makes a running node follow its role (swarmkit's node supervising its manager): the node's
 * {@link NodeCertificateRenewer} learns the role the cluster records and renews the
 * certificate when it changes (the CA names that role); after each new certificate, and once
 * at start (level-triggered: a restart midway compares again), the follower compares the
 * certificate's role with the role `state.json` records and, in the lifecycle queue, promotes
 * ({@link promoteToManager}) or demotes ({@link demoteToWorker}), then records the new role.
 * The agent keeps running throughout. A failed change is logged and retried every second
 * while the roles differ. `stop` ends the retries and the renewer; a change already queued
 * then does nothing.
 */
export class RoleFollower {
  private readonly renewer: NodeCertificateRenewer;
  private stopped = false;
  private cancelRetry: CancelTimer = () => {};

  constructor(
    membership: SwarmMembership,
    identity: TlsIdentity,
    private readonly host: RoleFollowerHost,
    private readonly ctx: SwarmStartContext,
  ) {
    const clusterId = membership.clusterId;
    this.renewer = new NodeCertificateRenewer(
      {
        clusterId,
        certificatesDir: ctx.layout.certificates,
        initial: identity,
        leader: () => host.leader(),
        ...(ctx.certificateCheckMs === undefined
          ? {}
          : { checkIntervalMs: ctx.certificateCheckMs }),
        onIdentity: (next) => {
          host.runtime()?.setIdentity(next, clusterId);
          this.follow();
        },
      },
      {
        clock: ctx.clock,
        rng: new SeededRng(Math.floor(ctx.random() * 0x7fffffff)),
        logger: ctx.logger,
      },
    );
  }

  /** The identity to present now (read at each new connection). */
  identity(): TlsIdentity {
    return this.renewer.identity();
  }

  /** Starts the renewer and compares the roles once. */
  start(): void {
    this.renewer.start();
    this.follow();
  }

  /** Stops retrying and the renewer (waiting for a renewal in progress). Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRetry();
    await this.renewer.stop();
  }

  /** Asks the renewer for a status check now (the role may have changed). */
  checkNow(): Promise<void> {
    return this.renewer.checkNow();
  }

  private follow(): void {
    if (this.stopped) return;
    this.cancelRetry();
    this.host
      .serially(() => this.reconcile())
      .catch((error: unknown) => {
        this.ctx.logger.error('role check failed', { error: String(error) });
      });
  }

  private async reconcile(): Promise<void> {
    const membership = this.host.membership();
    if (this.stopped || membership === null) return;
    const role = certificateRole(this.identity());
    if (role === membership.role) return;
    try {
      if (role === 'manager') await this.promote(membership);
      else await this.demote(membership);
      this.ctx.logger.info('node role changed', { nodeId: membership.nodeId, role });
    } catch (error) {
      this.ctx.logger.warn('role change failed; retrying', { role, error: String(error) });
      if (!this.stopped) this.cancelRetry = this.ctx.clock.setTimer(RETRY_MS, () => this.follow());
    }
  }

  private async promote(membership: SwarmMembership): Promise<void> {
    const leader = this.host.leader();
    if (leader === undefined) throw new Error('no leader known yet');
    const identity = this.identity();
    const started = await promoteToManager(membership, identity, leader, this.ctx);
    this.host.setRuntime(started.runtime);
    // A renewal while the manager started found no runtime to tell.
    if (this.identity() !== identity) {
      started.runtime.setIdentity(this.identity(), membership.clusterId);
    }
    try {
      await this.host.saveMembership(started.membership);
    } catch (err) {
      this.host.setRuntime(undefined);
      await started.runtime.stop();
      await removeManagerData(this.ctx.layout);
      throw err;
    }
  }

  private async demote(membership: SwarmMembership): Promise<void> {
    const runtime = this.host.runtime();
    // Off the API first: requests must not reach a manager that is stopping.
    this.host.setRuntime(undefined);
    await this.host.saveMembership(await demoteToWorker(membership, runtime, this.ctx));
  }
}
