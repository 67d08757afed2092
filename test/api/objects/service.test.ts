import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STOP_GRACE_PERIOD } from '../../../src/api/defaults.ts';
import { toEngineService } from '../../../src/api/objects/service.ts';
import { aService, aServiceSpec } from '../support/objects.ts';

test('a service maps to the Engine shape, dropping internal fields', () => {
  const engine = toEngineService(
    aService({
      PreviousSpec: aServiceSpec({ Labels: { v: '1' } }),
      UpdateStatus: { State: 'completed', Message: 'update completed' },
      SpecVersion: { Index: 3 },
      PendingDelete: false,
    }),
  );
  assert.deepEqual(Object.keys(engine), [
    'ID',
    'Version',
    'CreatedAt',
    'UpdatedAt',
    'Spec',
    'PreviousSpec',
    'Endpoint',
    'UpdateStatus',
  ]);
  assert.deepEqual(engine.Version, { Index: 7 });
});

test('Endpoint is always present, empty before allocation', () => {
  assert.deepEqual(toEngineService(aService()).Endpoint, { Spec: {} });
  const endpoint = {
    Spec: { Mode: 'vip' as const },
    VirtualIPs: [{ NetworkID: 'n', Addr: '10.0.0.2/24' }],
  };
  assert.deepEqual(toEngineService(aService({ Endpoint: endpoint })).Endpoint, endpoint);
});

test('status=true adds ServiceStatus; jobs carry JobStatus', () => {
  const status = { RunningTasks: 2, DesiredTasks: 3, CompletedTasks: 0 };
  const engine = toEngineService(aService({ JobStatus: { JobIteration: { Index: 4 } } }), {
    status,
  });
  assert.deepEqual(engine.ServiceStatus, status);
  assert.deepEqual(engine.JobStatus, { JobIteration: { Index: 4 } });
});

test('insertDefaults fills the spec in, and only on request', () => {
  const plain = toEngineService(aService());
  assert.equal(plain.Spec.UpdateConfig, undefined);
  const filled = toEngineService(aService(), { insertDefaults: true });
  assert.equal(filled.Spec.TaskTemplate?.ContainerSpec?.StopGracePeriod, DEFAULT_STOP_GRACE_PERIOD);
  assert.equal(filled.Spec.UpdateConfig?.FailureAction, 'pause');
});
