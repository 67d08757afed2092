import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../../../src/api/objects/service.ts';
import type { TaskSpec } from '../../../../src/api/objects/task-spec.ts';
import {
  isSlotDirty,
  isTaskDirty,
} from '../../../../src/manager/orchestrator/update/task-dirty.ts';
import { aNode, aService, aTask } from '../fixtures.ts';

const v1: TaskSpec = { ContainerSpec: { Image: 'app:v1' } };

/** `service` with a new spec (and a new SpecVersion, as the control API writes it). */
function updated(service: Service, spec: Partial<Service['Spec']>): Service {
  return { ...service, Spec: { ...service.Spec, ...spec }, SpecVersion: { Index: 9 } };
}

describe('isTaskDirty', () => {
  const service = aService('s1', { task: v1 });
  const node = aNode('n1', { labels: { zone: 'a' } });

  test('a task made from the current spec is clean', () => {
    assert.equal(isTaskDirty(service, aTask('t1', service, { NodeID: 'n1' }), node), false);
  });

  test('a changed image, or a bumped ForceUpdate counter alone, makes the task dirty', () => {
    const task = aTask('t1', service, { NodeID: 'n1' });
    const image = updated(service, { TaskTemplate: { ContainerSpec: { Image: 'app:v2' } } });
    const forced = updated(service, { TaskTemplate: { ...v1, ForceUpdate: 1 } });
    assert.equal(isTaskDirty(image, task, node), true);
    assert.equal(isTaskDirty(forced, task, node), true);
  });

  test('a spec swapped back without a new SpecVersion still makes tasks of the other spec dirty', () => {
    const task = aTask('t1', service, { NodeID: 'n1' });
    const swapped: Service = {
      ...service,
      Spec: { ...service.Spec, TaskTemplate: { ContainerSpec: { Image: 'app:v0' } } },
    };
    assert.equal(isTaskDirty(swapped, task, node), true);
  });

  test('a constraint-only change is ignored while the node still satisfies it', () => {
    const task = aTask('t1', service, { NodeID: 'n1' });
    const spec = (constraint: string) =>
      updated(service, { TaskTemplate: { ...v1, Placement: { Constraints: [constraint] } } });
    assert.equal(isTaskDirty(spec('node.labels.zone==a'), task, node), false);
    assert.equal(isTaskDirty(spec('node.labels.zone==b'), task, node), true);
    assert.equal(isTaskDirty(spec('node.labels.zone==a'), task, undefined), true, 'no node known');
  });

  test('a constraint change together with another change is dirty', () => {
    const task = aTask('t1', service, { NodeID: 'n1' });
    const both = updated(service, {
      TaskTemplate: {
        ContainerSpec: { Image: 'app:v2' },
        Placement: { Constraints: ['node.labels.zone==a'] },
      },
    });
    assert.equal(isTaskDirty(both, task, node), true);
  });

  test('PullOptions alone are ignored for tasks ready..running, not for others', () => {
    const withPull = (auth: string): TaskSpec => ({
      ContainerSpec: {
        Image: 'app:v1',
        PullOptions: { RegistryAuth: auth },
      } as NonNullable<TaskSpec['ContainerSpec']>,
    });
    const old = aService('s1', { task: withPull('old') });
    const next = updated(old, { TaskTemplate: withPull('new') });
    const at = (
      state: 'ready' | 'running' | 'preparing',
      desired: 'running' | 'shutdown' = 'running',
    ) => aTask('t1', old, { NodeID: 'n1', state, DesiredState: desired });
    assert.equal(isTaskDirty(next, at('running'), node), false);
    assert.equal(isTaskDirty(next, at('ready'), node), false);
    assert.equal(isTaskDirty(next, at('preparing'), node), true);
    assert.equal(isTaskDirty(next, at('running', 'shutdown'), node), true);
  });

  test('a changed endpoint spec makes tasks dirty; Swarm defaults on either side do not', () => {
    const endpoint = { Spec: { Ports: [{ TargetPort: 80, PublishedPort: 8080 }] } };
    const task = aTask('t1', service, { NodeID: 'n1', Endpoint: endpoint });
    const same = updated(service, {
      EndpointSpec: {
        Mode: 'vip',
        Ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp' }],
      },
    });
    const moved = updated(service, {
      EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 9090 }] },
    });
    assert.equal(isTaskDirty(same, task, node), false);
    assert.equal(isTaskDirty(moved, task, node), true);
    assert.equal(
      isTaskDirty({ ...moved, SpecVersion: service.SpecVersion! }, task, node),
      false,
      'same SpecVersion',
    );
    const unrecorded = aTask('t2', service, { NodeID: 'n1', Endpoint: { Ports: [] } });
    assert.equal(isTaskDirty(moved, unrecorded, node), false, 'no endpoint spec recorded');
  });

  test('a slot of two tasks is dirty even when both are clean', () => {
    const a = aTask('t1', service);
    const b = aTask('t2', service);
    assert.equal(
      isSlotDirty(service, [a, b], () => node),
      true,
    );
    assert.equal(
      isSlotDirty(service, [a], () => node),
      false,
    );
    assert.equal(
      isSlotDirty(service, [], () => node),
      false,
    );
  });
});
