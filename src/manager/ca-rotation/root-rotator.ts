import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { ClusterRecord } from '../../store/tables.ts';
import { clusters, nodes } from '../../store/tables.ts';
import { caError } from '../ca/ca-errors.ts';
import { caIssuerInfo } from '../ca/certificate-issuer-info.ts';
import { crossSignRoot } from '../ca/cross-signed-root.ts';
import { generateJoinTokens } from '../ca/join-token.ts';
import type { RandomBytes } from '../ca/random-bytes.ts';
import { createRootCa, loadRootCa, rootCaDigestHex } from '../ca/root-ca.ts';
import { rotatingRootCa } from '../ca/root-rotation-record.ts';
import type { RootRotationRecord, RotatingRootCA } from '../ca/root-rotation-record.ts';
import { planRootRotation } from './reconcile.ts';
import type { GivenSigningCa, RootRotationDecision } from './reconcile.ts';

/** What a {@link RootRotator} works on. */
export interface RootRotatorOptions {
  readonly store: MemoryStore;
  /** Validity of the new root and of its cross-signed certificate start at `clock.now()`. */
  readonly clock: Clock;
  /** Serial numbers of the new root certificates and the secrets of the new join tokens. */
  readonly randomBytes: RandomBytes;
  readonly logger?: Logger;
  /** A sweep runs at least this often, so a failed write is retried. Default 5 s. */
  readonly intervalMs?: number;
}

type StartDecision = Extract<RootRotationDecision, { kind: 'start' }>;

function withRootCa(cluster: ClusterRecord, rootCa: RotatingRootCA): ClusterRecord {
  // RotatingRootCA widens the API's ClusterRootCA with the rotation fields the record carries.
  return { ...cluster, RootCA: rootCa };
}

function requireRootCa(cluster: ClusterRecord): RotatingRootCA {
  const rootCa = rotatingRootCa(cluster);
  if (rootCa?.CAKey === undefined) {
    throw caError('CA_CERT_INVALID', 'this cluster holds no root CA key: it cannot rotate it');
  }
  return rootCa;
}

/** The cluster record once a rotation towards `rotation` has started. */
function startedRecord(
  cluster: ClusterRecord,
  rotation: RootRotationRecord,
  forceRotate: number,
): ClusterRecord {
  const rootCa = requireRootCa(cluster);
  return {
    ...withRootCa(cluster, { ...rootCa, RootRotation: rotation, LastForcedRotation: forceRotate }),
    RootRotationInProgress: true,
    TLSInfo: { TrustRoot: rootCa.CACert, ...caIssuerInfo(rotation.CACert) },
  };
}

/** The cluster record once `rotation` has finished: new root, new tokens, old root gone. */
function finishedRecord(
  cluster: ClusterRecord,
  rotation: RootRotationRecord,
  randomBytes: RandomBytes,
): ClusterRecord {
  const { RootRotation: _done, ...rootCa } = requireRootCa(cluster);
  const tokens = generateJoinTokens(rotation.CACert, randomBytes);
  return {
    ...withRootCa(cluster, {
      ...rootCa,
      CACert: rotation.CACert,
      CAKey: rotation.CAKey,
      CACertHash: rootCaDigestHex(rotation.CACert),
    }),
    RootRotationInProgress: false,
    TLSInfo: { TrustRoot: rotation.CACert, ...caIssuerInfo(rotation.CACert) },
    JoinTokens: { Worker: tokens.worker, Manager: tokens.manager },
  };
}

/**
 * The leader-only loop that carries out root CA rotations (swarmkit's CA reconciler and
 * `ca_rotation.go` in one): it sweeps on cluster and node changes and every `intervalMs`,
 * takes {@link planRootRotation}'s decision and applies it in one transaction that re-plans on
 * the data it writes, so a decision overtaken by another write is dropped, never applied late.
 * `start` makes the new root (or loads the given signing CA), cross-signs it with the current
 * root, and records `RootCA.RootRotation` with `RootRotationInProgress`; nodes then learn
 * through `certificateStatus` that their certificate must be reissued. `finish` makes the new
 * root the root, points `TLSInfo` and the join tokens' digest at it, and ends the rotation.
 * All state is in the replicated record: after a leader change the next leader's sweep
 * carries on. Failures are logged and retried on the next sweep.
 */
export class RootRotator {
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private chain: Promise<unknown> = Promise.resolve();
  private cancelTimer: CancelTimer | undefined;
  private unwatch: (() => void) | undefined;
  private running = false;

  constructor(private readonly options: RootRotatorOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'ca-rotation' });
    this.intervalMs = options.intervalMs ?? 5_000;
  }

  /** Starts sweeping (call when this manager becomes leader). Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const subscription = this.options.store.watch({ tables: [clusters, nodes] });
    this.unwatch = () => subscription.close();
    void (async () => {
      for await (const event of subscription) if (event.kind !== 'committed') this.kick();
    })().catch(() => {});
    this.arm();
    this.kick();
  }

  /**
   * Stops sweeping. Does not wait for a store write in progress: off the leader it may never
   * settle, and it is harmless if it does (the write re-plans on what it finds).
   */
  stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.unwatch?.();
    return Promise.resolve();
  }

  /** Asks for a sweep soon; sweeps run one at a time. */
  kick(): void {
    if (!this.running) return;
    void this.sweepNow().catch((error: unknown) =>
      this.logger.warn('root rotation sweep failed; retrying later', { error: String(error) }),
    );
  }

  /** Runs one sweep after those queued, and resolves with the decision it carried out. */
  sweepNow(): Promise<RootRotationDecision> {
    const run = this.chain.then(() => this.sweep());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private arm(): void {
    this.cancelTimer = this.options.clock.setTimer(this.intervalMs, () => {
      if (!this.running) return;
      this.kick();
      this.arm();
    });
  }

  private async sweep(): Promise<RootRotationDecision> {
    const { store } = this.options;
    const cluster = store.all(clusters)[0];
    if (cluster === undefined) return { kind: 'none' };
    const decision = planRootRotation(cluster, store.all(nodes));
    switch (decision.kind) {
      case 'start': {
        const rotation = await this.prepare(cluster, decision);
        await this.commit(decision, (c) => startedRecord(c, rotation, decision.forceRotate));
        this.logger.info('root CA rotation started', { generated: decision.signing === undefined });
        break;
      }
      case 'acknowledge':
        await this.commit(decision, (c) =>
          withRootCa(c, { ...requireRootCa(c), LastForcedRotation: decision.forceRotate }),
        );
        break;
      case 'finish':
        await this.commit(decision, (c) =>
          finishedRecord(c, decision.rotation, this.options.randomBytes),
        );
        this.logger.info('root CA rotation finished: the new root is the cluster root');
        break;
      case 'describe':
        await this.commit(decision, (c) => ({ ...c, TLSInfo: decision.tlsInfo }));
        break;
      case 'none':
      case 'wait':
        break;
    }
    return decision;
  }

  /** The new root (made, or the given signing CA) and its certificate cross-signed by the root. */
  private async prepare(
    cluster: ClusterRecord,
    decision: StartDecision,
  ): Promise<RootRotationRecord> {
    const { clock, randomBytes } = this.options;
    const current = requireRootCa(cluster);
    const oldRoot = await loadRootCa(current.CACert, current.CAKey ?? '');
    const now = clock.now();
    const signing: GivenSigningCa | undefined = decision.signing;
    const newRoot =
      signing === undefined
        ? await createRootCa({ now, randomBytes })
        : await loadRootCa(signing.certPem, signing.keyPem);
    const crossSignedPem = await crossSignRoot({
      newRootCertPem: newRoot.certPem,
      oldRoot,
      now,
      randomBytes,
    });
    return { CACert: newRoot.certPem, CAKey: newRoot.key.pem, CrossSignedCACert: crossSignedPem };
  }

  /** Writes `change(cluster)` if the plan on the transaction's data is still `decision`. */
  private async commit(
    decision: RootRotationDecision,
    change: (cluster: ClusterRecord) => ClusterRecord,
  ): Promise<void> {
    const expected = JSON.stringify(decision);
    await this.options.store.update((tx) => {
      const cluster = tx.all(clusters)[0];
      if (cluster === undefined) return;
      if (JSON.stringify(planRootRotation(cluster, tx.all(nodes))) !== expected) return;
      tx.update(clusters, change(cluster));
    });
  }
}
