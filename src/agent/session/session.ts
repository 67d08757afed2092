import type { NodeDescription } from '../../api/objects/node.ts';
import type { CancelTimer, Clock } from '../../base/clock.ts';
import { ShoalError } from '../../base/errors.ts';
import type { ErrorData } from '../../base/errors.ts';
import type { Logger } from '../../base/logger.ts';
import { silentLogger } from '../../base/logger.ts';
import type { Rng } from '../../base/rng.ts';
import { heartbeatMethod, managersMethod } from '../../manager/dispatcher/rpc-methods.ts';
import type { RpcClient } from '../../manager/rpc/rpc-client.ts';
import { rpcError } from '../../manager/rpc/rpc-errors.ts';
import type { SessionPolicy } from './session-policy.ts';
import {
  DEFAULT_SESSION_POLICY,
  backoffDelay,
  heartbeatDelay,
  isRefusal,
  mergeManagers,
  nextManager,
} from './session-policy.ts';

/** How a {@link Session} is set up. */
export interface SessionOptions {
  /** `host:port` of the managers to start from; more are learned from replies. */
  readonly managers: readonly string[];
  /** Sent with the first heartbeat to each manager the session connects to. */
  readonly description: NodeDescription;
  readonly policy?: Partial<SessionPolicy>;
  /** Told the role the managers want this node in, with every accepted heartbeat. */
  readonly onRole?: (role: 'worker' | 'manager') => void;
}

/** What a {@link Session} takes from its surroundings. */
export interface SessionDeps {
  readonly clock: Clock;
  readonly rng: Rng;
  /** An mTLS client holding this node's certificate (the certificate names the node). */
  readonly rpc: Pick<RpcClient, 'call'>;
  readonly logger?: Logger;
}

/**
 * `connecting`: no heartbeat accepted since start or the last failure; `connected`: the last
 * heartbeat was accepted; `refused`: the cluster refused this node's certificate (removed,
 * wrong cluster), and the session stopped retrying; `stopped`: {@link Session.stop} ran.
 */
export type SessionState = 'connecting' | 'connected' | 'refused' | 'stopped';

/** A snapshot of a session, for status output and tests. */
export interface SessionStatus {
  readonly state: SessionState;
  /** The manager that accepted the last heartbeat (while connected). */
  readonly manager?: string;
  /** Clock time of the last accepted heartbeat. */
  readonly lastSuccessAt?: number;
  /** Consecutive failed calls. */
  readonly failures: number;
  /** Every manager known, given and learned. */
  readonly managers: readonly string[];
  readonly lastError?: ErrorData;
}

/**
 * The agent's link to the dispatcher (swarmkit's agent session, heartbeats only for now):
 * heartbeats the leader at the period it returns (a little early, jittered), with the node
 * description on the first heartbeat to each manager; follows `MANAGER_NOT_LEADER` redirects
 * (asking the refusing manager where the leader is); on other failures moves to the next
 * known manager after a bounded exponential backoff (never longer than the last heartbeat
 * period, so a leader change does not outlast the dispatcher's grace). A refused
 * certificate stops it.
 * One call at a time; all timing on the injected clock.
 */
export class Session {
  private readonly policy: SessionPolicy;
  private readonly logger: Logger;
  private known: string[];
  private state: SessionState = 'stopped';
  private current: string | undefined;
  private preferred: string | undefined;
  private described: string | undefined;
  private failures = 0;
  private lastSuccessAt: number | undefined;
  /** The heartbeat period the dispatcher last gave: retries never wait longer. */
  private periodMs: number | undefined;
  private lastError: ErrorData | undefined;
  private cancelTimer: CancelTimer | undefined;
  private abort: AbortController | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  /** Bumped by stop, so a call that outlives a stop-and-restart cannot schedule a 2nd loop. */
  private generation = 0;

  constructor(
    private readonly options: SessionOptions,
    private readonly deps: SessionDeps,
  ) {
    this.policy = { ...DEFAULT_SESSION_POLICY, ...options.policy };
    this.logger = (deps.logger ?? silentLogger).child({ component: 'session' });
    this.known = mergeManagers([], options.managers);
  }

  /** Starts heartbeating at once. Idempotent while running; a refused session stays refused. */
  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'connecting';
    this.schedule(0);
  }

  /** Stops heartbeating and cancels the call in flight; resolves once it has settled. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.generation++;
    this.current = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.abort?.abort(new Error('the session was stopped'));
    await this.inFlight;
  }

  /** The session as it stands. */
  status(): SessionStatus {
    return {
      state: this.state,
      failures: this.failures,
      managers: [...this.known],
      ...(this.state === 'connected' && this.current !== undefined
        ? { manager: this.current }
        : {}),
      ...(this.lastSuccessAt === undefined ? {} : { lastSuccessAt: this.lastSuccessAt }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private schedule(delayMs: number): void {
    this.cancelTimer?.();
    const generation = this.generation;
    this.cancelTimer = this.deps.clock.setTimer(delayMs, () => {
      this.cancelTimer = undefined;
      this.inFlight = this.beat(generation);
    });
  }

  private async beat(generation: number): Promise<void> {
    const stale = (): boolean => this.generation !== generation || this.state === 'stopped';
    if (stale() || this.state === 'refused') return;
    const target = nextManager(
      this.known,
      this.current,
      this.state !== 'connected',
      this.preferred,
    );
    this.preferred = undefined;
    if (target === undefined) {
      this.fail(undefined, rpcError('RPC_UNAVAILABLE', 'no manager address is known'));
      return;
    }
    this.current = target;
    const abort = (this.abort = new AbortController());
    const call = { signal: abort.signal, timeoutMs: this.policy.callTimeoutMs };
    try {
      const withDescription = this.described !== target;
      const request = withDescription ? { description: this.options.description } : {};
      const reply = await this.deps.rpc.call(target, heartbeatMethod, request, call);
      if (stale()) return;
      this.described = target;
      this.state = 'connected';
      this.failures = 0;
      this.lastError = undefined;
      this.lastSuccessAt = this.deps.clock.now();
      this.periodMs = reply.periodMs;
      this.known = mergeManagers(this.known, reply.managers);
      this.schedule(heartbeatDelay(reply.periodMs, this.policy, this.deps.rng.next()));
      if (reply.role !== undefined) this.options.onRole?.(reply.role);
    } catch (error) {
      if (stale()) return;
      if (error instanceof ShoalError && error.code === 'MANAGER_NOT_LEADER') {
        await this.learnLeader(target, call);
        if (stale()) return;
      }
      this.fail(target, error);
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }

  /** Asks `target` (which refused as not leader) for the leader and the managers. */
  private async learnLeader(
    target: string,
    call: { signal: AbortSignal; timeoutMs: number },
  ): Promise<void> {
    try {
      const reply = await this.deps.rpc.call(target, managersMethod, {}, call);
      this.known = mergeManagers(this.known, [
        ...reply.managers,
        ...(reply.leaderAddr === undefined ? [] : [reply.leaderAddr]),
      ]);
      if (reply.leaderAddr !== target) this.preferred = reply.leaderAddr;
    } catch (error) {
      this.logger.debug('leader lookup failed', { manager: target, error: String(error) });
    }
  }

  private fail(target: string | undefined, error: unknown): void {
    const shoal = error instanceof ShoalError ? error : rpcError('RPC_INTERNAL', String(error));
    this.lastError = shoal.toData();
    this.failures++;
    this.described = undefined;
    if (isRefusal(shoal.code)) {
      this.state = 'refused';
      this.logger.error('the cluster refused this node', { manager: target, code: shoal.code });
      return;
    }
    this.state = 'connecting';
    // A redirect is retried at once, but only as many times in a row as there are managers,
    // so two managers that each name the other cannot spin the session.
    const redirected = this.preferred !== undefined && this.failures <= this.known.length;
    const delay = redirected
      ? 0
      : backoffDelay(this.failures, this.policy, this.deps.rng.next(), this.periodMs);
    this.logger.info('heartbeat failed', { manager: target, code: shoal.code, retryInMs: delay });
    this.schedule(delay);
  }
}
