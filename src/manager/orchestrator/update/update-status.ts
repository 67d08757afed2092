import type { Service, UpdateStatus } from '../../../api/objects/service.ts';
import type { ServiceSpec } from '../../../api/objects/service-spec.ts';
import { jsonEqual } from './json-equal.ts';

/** The UpdateStatus messages Swarm records; the failure ones end in the task ID. */
export const UPDATE_MESSAGES = {
  updating: 'update in progress',
  completed: 'update completed',
  rollbackCompleted: 'rollback completed',
  pausedPrefix: 'update paused due to failure or early termination of task ',
} as const;

/**
 * Whether `stored` (the service as the store holds it now) is still the one an update of
 * `spec` works for: it exists, has the same spec, and is `updating` or `rollback_started`
 * (a user's update clears the status). Status writes of an update that lost this race are
 * dropped.
 */
function stillUpdating(
  stored: Service | undefined,
  spec: ServiceSpec,
): stored is Service & {
  UpdateStatus: UpdateStatus;
} {
  const state = stored?.UpdateStatus?.State;
  return (
    stored !== undefined &&
    (state === 'updating' || state === 'rollback_started') &&
    jsonEqual(stored.Spec, spec)
  );
}

/**
 * `stored` marked `updating` "update in progress" since `nowIso`, if it has no UpdateStatus
 * yet and still has `spec`; undefined when nothing is to be written. Pure.
 */
export function withUpdateStarted(
  stored: Service | undefined,
  spec: ServiceSpec,
  nowIso: string,
): Service | undefined {
  if (stored === undefined || stored.UpdateStatus !== undefined || !jsonEqual(stored.Spec, spec)) {
    return undefined;
  }
  return {
    ...stored,
    UpdateStatus: { State: 'updating', StartedAt: nowIso, Message: UPDATE_MESSAGES.updating },
  };
}

/**
 * `stored` paused with `message`: `rollback_paused` while a rollback runs, `paused`
 * otherwise; undefined when the update is no longer the service's. Pure.
 */
export function withUpdatePaused(
  stored: Service | undefined,
  spec: ServiceSpec,
  message: string,
): Service | undefined {
  if (!stillUpdating(stored, spec)) return undefined;
  const rollingBack = stored.UpdateStatus.State === 'rollback_started';
  return {
    ...stored,
    UpdateStatus: {
      ...stored.UpdateStatus,
      State: rollingBack ? 'rollback_paused' : 'paused',
      Message: message,
    },
  };
}

/**
 * `stored` rolled back, as swarmkit does it: `rollback_started` with `message`, `Spec` ←
 * `PreviousSpec` and `SpecVersion` ← `PreviousSpecVersion` (both previous fields dropped,
 * so the rollback cannot itself be rolled back by hand). Without a `PreviousSpecVersion` the
 * version read stands in (no other spec write can have used it), so tasks of the failed
 * spec never share the rolled-back spec's version. Without a `PreviousSpec` the
 * update pauses instead ("update paused due to ... task <taskId>"). Undefined when the
 * update is no longer the service's. Pure.
 */
export function withRollbackStarted(
  stored: Service | undefined,
  spec: ServiceSpec,
  message: string,
  taskId: string,
): Service | undefined {
  if (!stillUpdating(stored, spec)) return undefined;
  const previous = stored.PreviousSpec;
  if (previous === undefined) {
    return withUpdatePaused(stored, spec, `${UPDATE_MESSAGES.pausedPrefix}${taskId}`);
  }
  const { PreviousSpec: _spec, PreviousSpecVersion: previousVersion, ...rest } = stored;
  return {
    ...rest,
    Spec: previous,
    SpecVersion: previousVersion ?? { Index: stored.meta.version },
    UpdateStatus: { ...stored.UpdateStatus, State: 'rollback_started', Message: message },
  };
}

/**
 * `stored` with its update finished at `nowIso`: `rollback_completed` "rollback completed"
 * after a rollback, `completed` "update completed" otherwise; undefined when the update is
 * no longer the service's. Pure.
 */
export function withUpdateCompleted(
  stored: Service | undefined,
  spec: ServiceSpec,
  nowIso: string,
): Service | undefined {
  if (!stillUpdating(stored, spec)) return undefined;
  const rollingBack = stored.UpdateStatus.State === 'rollback_started';
  return {
    ...stored,
    UpdateStatus: {
      ...stored.UpdateStatus,
      State: rollingBack ? 'rollback_completed' : 'completed',
      Message: rollingBack ? UPDATE_MESSAGES.rollbackCompleted : UPDATE_MESSAGES.completed,
      CompletedAt: nowIso,
    },
  };
}
