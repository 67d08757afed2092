import type { TaskLogMessage, TaskLogSelector } from '../../../src/api/objects/log-message.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import type { ShoalError } from '../../../src/base/errors.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import { rngRandomBytes } from '../../../src/manager/ca/random-bytes.ts';
import { DaemonServices } from '../../../src/daemon/swarm/daemon-services.ts';
import type { Manager } from '../../../src/manager/manager.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { clusterTables } from '../../../src/store/tables.ts';

/** The knobs of a {@link controlServiceBackend}. */
export interface ControlServiceBackend {
  readonly backend: DaemonServices;
  readonly store: MemoryStore;
  readonly clock: ManualClock;
  /** What each log subscription was asked for, and the signal it was given. */
  readonly selectors: TaskLogSelector[];
  readonly signals: AbortSignal[];
  /** When true, subscriptions wait for their signal after the messages (a follow). */
  hold: boolean;
  /** Messages the next subscriptions yield, then `logError` is thrown if set. */
  logs: TaskLogMessage[];
  logError: Error | undefined;
  /** The Raft leader the fake manager reports (0: none). */
  leader: number;
  /** When set, the manager accessor throws it (a worker, or a node outside a swarm). */
  offManager: ShoalError | undefined;
}

/**
 * The daemon's real `DaemonServices` over a proposer-less store, behind a fake Manager (its
 * store, and a Raft node that reports `leader`), with a scripted log subscription.
 */
export function controlServiceBackend(): ControlServiceBackend {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const store = new MemoryStore({ tables: clusterTables }, { clock });
  const fixture: ControlServiceBackend = {
    store,
    clock,
    selectors: [],
    signals: [],
    hold: false,
    logs: [],
    logError: undefined,
    leader: 1,
    offManager: undefined,
    backend: new DaemonServices({
      manager: () => {
        if (fixture.offManager) throw fixture.offManager;
        return {
          store,
          raft: { leader: () => fixture.leader },
          readBarrier: () => Promise.resolve(),
        } as unknown as Manager;
      },
      randomBytes: rngRandomBytes(new SeededRng(5)),
      subscribeLogs: (selector, signal) => {
        fixture.selectors.push(selector);
        fixture.signals.push(signal);
        const messages = [...fixture.logs];
        const error = fixture.logError;
        const hold = fixture.hold;
        return (async function* () {
          for (const message of messages) {
            if (signal.aborted) return;
            await Promise.resolve();
            yield message;
          }
          if (hold && !signal.aborted) {
            await new Promise((resolve) => signal.addEventListener('abort', resolve));
          }
          if (error) throw error;
        })();
      },
    }),
  };
  return fixture;
}
