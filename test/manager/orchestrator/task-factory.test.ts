import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isObjectId } from '../../../src/api/ids.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import { newTask } from '../../../src/manager/orchestrator/task-factory.ts';
import { aService, seededBytes, T0 } from './fixtures.ts';

const deps = () => ({ clock: new ManualClock(T0), randomBytes: seededBytes() });

test('a replicated task is new, created, for its slot, desired running, from the service spec', () => {
  const service = aService('s1', { specVersion: 9 });
  const task = newTask(service, { slot: 3 }, deps());
  assert.ok(isObjectId(task.id));
  assert.equal(task.ServiceID, 's1');
  assert.equal(task.Slot, 3);
  assert.equal(task.NodeID, undefined);
  assert.equal(task.DesiredState, 'running');
  assert.deepEqual(task.Status, {
    Timestamp: '2024-01-01T00:00:00.000Z',
    State: 'new',
    Message: 'created',
  });
  assert.equal(task.Spec, service.Spec.TaskTemplate);
  assert.deepEqual(task.SpecVersion, { Index: 9 });
  assert.deepEqual(task.ServiceAnnotations, { Name: 'svc-s1' });
  assert.equal(task.JobIteration, undefined);
});

test('a global task is pre-assigned to its node with slot 0; desired state can be ready', () => {
  const service = aService('g', { mode: { Global: {} } });
  const task = newTask(service, { nodeId: 'n1', desiredState: 'ready' }, deps());
  assert.equal(task.Slot, 0);
  assert.equal(task.NodeID, 'n1');
  assert.equal(task.DesiredState, 'ready');
});

test('job tasks default to desired complete and carry the job iteration', () => {
  const job = aService('j', { mode: { ReplicatedJob: { TotalCompletions: 3 } }, jobIteration: 4 });
  const task = newTask(job, { slot: 0 }, deps());
  assert.equal(task.DesiredState, 'complete');
  assert.deepEqual(task.JobIteration, { Index: 4 });
  const fresh = newTask(aService('k', { mode: { GlobalJob: {} } }), { nodeId: 'n' }, deps());
  assert.deepEqual(fresh.JobIteration, { Index: 0 });
});

test('IDs come from the injected bytes (same seed, same IDs; distinct within a run)', () => {
  const service = aService('s1');
  const a = deps();
  const b = deps();
  const first = newTask(service, { slot: 1 }, a).id;
  assert.equal(first, newTask(service, { slot: 1 }, b).id);
  assert.notEqual(first, newTask(service, { slot: 1 }, a).id);
});

test('the cluster default log driver applies only when the task spec has none', () => {
  const plain = aService('s1');
  const driver = { Name: 'json-file' };
  assert.deepEqual(newTask(plain, { slot: 1, defaultLogDriver: driver }, deps()).LogDriver, driver);
  const own = aService('s2', { task: { LogDriver: { Name: 'none' } } });
  assert.deepEqual(newTask(own, { slot: 1, defaultLogDriver: driver }, deps()).LogDriver, {
    Name: 'none',
  });
});
