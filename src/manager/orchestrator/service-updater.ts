import type { Service } from '../../api/objects/service.ts';
import type { Task } from '../../api/objects/task.ts';

/**
 * The tasks of one slot: one replica number of a replicated service, or one node of a global
 * service. Only tasks whose desired state is at most `running` (`ready` counts) belong to a
 * slot the orchestrator hands over; history is the reaper's.
 */
export type Slot = readonly Task[];

/**
 * The rolling updater as the orchestrators see it (swarmkit's `updater.Supervisor`). The
 * replicated and global orchestrators call {@link update} with every live slot of a service
 * after each reconcile; the updater works out which slots are dirty (made from an older
 * spec) and replaces them following the service's `UpdateConfig` (or `RollbackConfig` while
 * rolling back), recording `UpdateStatus`. It must be safe to call repeatedly: a call for a
 * service whose update for the same spec is already running does nothing; a newer spec
 * cancels the running update and starts over; a service whose `UpdateStatus.State` is
 * `paused` or `rollback_paused` is left alone until its spec changes.
 */
export interface ServiceUpdater {
  update(service: Service, slots: readonly Slot[]): void;
  /** Stops updating `serviceId` (service removed). */
  cancel(serviceId: string): void;
  /** Stops every update in progress (leadership lost); the next leader continues them. */
  stop(): Promise<void>;
}
