import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../../../src/api/objects/service.ts';
import {
  withRollbackStarted,
  withUpdateCompleted,
  withUpdatePaused,
  withUpdateStarted,
} from '../../../../src/manager/orchestrator/update/update-status.ts';
import { aService } from '../fixtures.ts';

const AT = '2024-01-01T00:01:00.000Z';
const v1 = { ContainerSpec: { Image: 'app:v1' } };
const v2 = { ContainerSpec: { Image: 'app:v2' } };

/** A service updated from v1 (version 3) to v2 (version 7), its update `state`. */
function updating(state?: 'updating' | 'rollback_started' | 'paused'): Service {
  const base = aService('s1', { task: v2, specVersion: 7 });
  return {
    ...base,
    PreviousSpec: { ...base.Spec, TaskTemplate: v1 },
    PreviousSpecVersion: { Index: 3 },
    ...(state === undefined ? {} : { UpdateStatus: { State: state, StartedAt: AT } }),
  };
}

describe('UpdateStatus transitions', () => {
  test('an update starts only once, and only for the spec it works for', () => {
    const service = updating();
    assert.deepEqual(withUpdateStarted(service, service.Spec, AT)?.UpdateStatus, {
      State: 'updating',
      StartedAt: AT,
      Message: 'update in progress',
    });
    assert.equal(withUpdateStarted(updating('updating'), service.Spec, AT), undefined);
    assert.equal(withUpdateStarted(service, { ...service.Spec, TaskTemplate: v1 }, AT), undefined);
    assert.equal(withUpdateStarted(undefined, service.Spec, AT), undefined);
  });

  test('a rollback restores the previous spec and its SpecVersion, dropping both previous fields', () => {
    const service = updating('updating');
    const message = 'update rolled back due to failure or early termination of task t1';
    const rolled = withRollbackStarted(service, service.Spec, message, 't1');
    assert.deepEqual(rolled?.Spec.TaskTemplate, v1);
    assert.deepEqual(rolled?.SpecVersion, { Index: 3 });
    assert.equal(rolled?.PreviousSpec, undefined);
    assert.equal(rolled?.PreviousSpecVersion, undefined);
    assert.deepEqual(rolled?.UpdateStatus, {
      State: 'rollback_started',
      StartedAt: AT,
      Message: message,
    });
  });

  test('without a previous spec the failure action pauses instead', () => {
    const { PreviousSpec: _spec, ...service } = updating('updating');
    const paused = withRollbackStarted(service, service.Spec, 'update rolled back ...', 't1');
    assert.equal(paused?.UpdateStatus?.State, 'paused');
    assert.equal(
      paused?.UpdateStatus?.Message,
      'update paused due to failure or early termination of task t1',
    );
  });

  test('pause and completion follow the running kind: update or rollback', () => {
    const update = updating('updating');
    const rollback = updating('rollback_started');
    assert.equal(withUpdatePaused(update, update.Spec, 'm')?.UpdateStatus?.State, 'paused');
    assert.equal(
      withUpdatePaused(rollback, rollback.Spec, 'm')?.UpdateStatus?.State,
      'rollback_paused',
    );
    assert.deepEqual(withUpdateCompleted(update, update.Spec, AT)?.UpdateStatus, {
      State: 'completed',
      StartedAt: AT,
      Message: 'update completed',
      CompletedAt: AT,
    });
    assert.equal(
      withUpdateCompleted(rollback, rollback.Spec, AT)?.UpdateStatus?.Message,
      'rollback completed',
    );
  });

  test("nothing is written once the update is no longer the service's", () => {
    const paused = updating('paused');
    const changed = updating('updating');
    const other = { ...changed.Spec, TaskTemplate: v1 };
    assert.equal(withUpdateCompleted(paused, paused.Spec, AT), undefined, 'paused meanwhile');
    assert.equal(
      withUpdateCompleted(updating(), changed.Spec, AT),
      undefined,
      'status cleared by a user update',
    );
    assert.equal(withUpdatePaused(changed, other, 'm'), undefined, 'spec changed');
    assert.equal(withRollbackStarted(changed, other, 'm', 't1'), undefined);
  });
});
