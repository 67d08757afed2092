import type { CancelTimer, Clock } from '../../base/clock.ts';
import type { Logger } from '../../base/logger.ts';
import type { Rng } from '../../base/rng.ts';
import type { SessionPolicy } from '../session/session-policy.ts';
import { DEFAULT_SESSION_POLICY, backoffDelay } from '../session/session-policy.ts';

/** Longest wait between looks for a leader while the session has none. */
const NO_LEADER_POLL_MS = 500;

/** How a {@link LeaderStream} is set up. */
export interface LeaderStreamOptions<Item> {
  /** For logs: `assignments`, `log subscriptions`. */
  readonly name: string;
  /** The manager to stream from now: the leader the heartbeat session found, if connected. */
  readonly target: () => string | undefined;
  /** Opens the stream at `address`; aborting `signal` must end it. */
  readonly open: (address: string, signal: AbortSignal) => AsyncIterable<Item>;
  /** Handles one item; must not throw. */
  readonly onItem: (item: Item) => void;
  /** Called when a stream ends or fails (before the reconnect wait). */
  readonly onDisconnect?: () => void;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly policy?: Partial<SessionPolicy>;
}

/**
 * A server stream kept open to the leader (the agent side of `dispatcher.assignments` and
 * `logs.listen`): streams from whichever manager `target()` names (the heartbeat session's
 * manager, which only accepts heartbeats while it leads), and when the stream ends or fails
 * (`MANAGER_NOT_LEADER` after a leader change, a dropped connection) opens it again after the
 * session's bounded, jittered backoff. The failure count resets with every item received and
 * whenever the session names another manager.
 */
export class LeaderStream<Item> {
  private readonly policy: SessionPolicy;
  private abort: AbortController | undefined;
  private cancelWait: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private failures = 0;
  private connectedTo: string | undefined;
  private lastTarget: string | undefined;

  constructor(private readonly options: LeaderStreamOptions<Item>) {
    this.policy = { ...DEFAULT_SESSION_POLICY, ...options.policy };
  }

  /** The manager streamed from now, if a stream is open. */
  get address(): string | undefined {
    return this.connectedTo;
  }

  /** Starts streaming (idempotent). */
  start(): void {
    if (this.loop) return;
    const abort = (this.abort = new AbortController());
    this.loop = this.run(abort.signal);
  }

  /** Ends the stream and the reconnect loop; resolves once they have stopped. */
  async stop(): Promise<void> {
    this.abort?.abort(new Error(`the ${this.options.name} stream was stopped`));
    this.cancelWait?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const target = this.options.target();
      // A new leader is worth trying at once, whatever the old one cost in backoff.
      if (target !== this.lastTarget) this.failures = 0;
      this.lastTarget = target;
      if (target !== undefined) {
        try {
          this.connectedTo = target;
          for await (const item of this.options.open(target, signal)) {
            this.failures = 0;
            this.options.onItem(item);
          }
        } catch (error) {
          if (!signal.aborted) {
            this.options.logger.debug(`${this.options.name} stream failed`, {
              manager: target,
              error: String(error),
            });
          }
        } finally {
          this.connectedTo = undefined;
          this.options.onDisconnect?.();
        }
      }
      if (signal.aborted) return;
      this.failures++;
      const delay = backoffDelay(this.failures, this.policy, this.options.rng.next());
      // Without a leader yet, look again soon: the session may find one at any moment.
      await this.wait(target === undefined ? Math.min(delay, NO_LEADER_POLL_MS) : delay);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let cancel: CancelTimer | undefined = undefined;
      const done = (): void => {
        cancel?.();
        this.cancelWait = undefined;
        resolve();
      };
      cancel = this.options.clock.setTimer(ms, done);
      this.cancelWait = done;
    });
  }
}
