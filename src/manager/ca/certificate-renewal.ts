import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Rng } from '../../base/rng.ts';
import type { NodeIdentity } from './node-certificate.ts';
import type { NodeRole } from './node-role.ts';

/** Swarm renews at a random point between these fractions of a certificate's validity. */
export const RENEW_AFTER_FRACTION = 0.5;
/** Upper end of the renewal window, as a fraction of the validity. */
export const RENEW_BEFORE_FRACTION = 0.8;

/** The longest delay a Node timer takes (2^31 - 1 ms); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Why a certificate must be renewed now. */
export type RenewalReason = 'due' | 'role-changed' | 'expired';

/** Renew now, or wait until `at` (Unix milliseconds) and ask again. */
export type RenewalDecision =
  | { readonly renew: true; readonly reason: RenewalReason }
  | { readonly renew: false; readonly at: number };

/**
 * When a certificate valid over `[notBefore, notAfter]` should be renewed: a point drawn
 * uniformly from 50 % to 80 % of its validity, as Swarm does, so a cluster's nodes do not
 * all ask the CA at once. Draw it once per certificate and keep it.
 */
export function renewalDeadline(
  validity: Pick<NodeIdentity, 'notBefore' | 'notAfter'>,
  rng: Rng,
): number {
  const span = validity.notAfter - validity.notBefore;
  const fraction =
    RENEW_AFTER_FRACTION + (RENEW_BEFORE_FRACTION - RENEW_AFTER_FRACTION) * rng.next();
  return validity.notBefore + Math.floor(span * fraction);
}

/** Inputs of {@link decideRenewal}. */
export interface RenewalInput {
  /** The certificate the node holds. */
  readonly identity: NodeIdentity;
  /** The role the cluster's records give the node; a promotion or demotion changes it. */
  readonly desiredRole: NodeRole;
  /** From {@link renewalDeadline} for this certificate. */
  readonly deadline: number;
  readonly now: number;
}

/**
 * Whether the node should ask for a new certificate now. An expired certificate, a role that
 * differs from the records (promotion or demotion), and a passed deadline all say renew, in
 * that order of precedence; otherwise wait until the deadline.
 */
export function decideRenewal(input: RenewalInput): RenewalDecision {
  if (input.now >= input.identity.notAfter) return { renew: true, reason: 'expired' };
  if (input.identity.role !== input.desiredRole) return { renew: true, reason: 'role-changed' };
  if (input.now >= input.deadline) return { renew: true, reason: 'due' };
  return { renew: false, at: input.deadline };
}

/**
 * The timer around {@link decideRenewal}: {@link CertificateRenewer.track} the certificate in
 * use and the desired role, and `onRenew` fires (from a clock timer, never inside `track`) when
 * a renewal is due. The jittered deadline is drawn once per certificate serial number. After
 * `onRenew`, nothing fires again until `track` is called with the next certificate or role.
 */
export class CertificateRenewer {
  private cancel: CancelTimer = () => {};
  private serial: string | undefined;
  private deadline = 0;

  constructor(
    private readonly deps: { readonly clock: Clock; readonly rng: Rng },
    private readonly onRenew: (reason: RenewalReason) => void,
  ) {}

  /** (Re)arms the timer for `identity` and `desiredRole`; returns the decision taken now. */
  track(identity: NodeIdentity, desiredRole: NodeRole): RenewalDecision {
    this.cancel();
    if (identity.serialNumber !== this.serial) {
      this.serial = identity.serialNumber;
      this.deadline = renewalDeadline(identity, this.deps.rng);
    }
    const now = this.deps.clock.now();
    const decision = decideRenewal({ identity, desiredRole, deadline: this.deadline, now });
    const delay = decision.renew ? 0 : decision.at - now;
    // Node timers overflow past ~24.8 days (they would fire at once): a long wait is taken in
    // steps, deciding again at each.
    this.cancel = this.deps.clock.setTimer(Math.min(delay, MAX_TIMER_MS), () => {
      if (decision.renew || delay <= MAX_TIMER_MS) {
        this.onRenew(decision.renew ? decision.reason : 'due');
      } else {
        this.track(identity, desiredRole);
      }
    });
    return decision;
  }

  /** Cancels the pending timer; `track` re-arms it. */
  stop(): void {
    this.cancel();
    this.cancel = () => {};
  }
}
