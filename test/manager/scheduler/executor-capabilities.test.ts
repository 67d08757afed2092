import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task } from '../../../src/api/objects/task.ts';
import { executorCapabilities } from '../../../src/manager/scheduler/executor-capabilities.ts';
import { NodeInfo } from '../../../src/manager/scheduler/node-info.ts';
import { Pipeline } from '../../../src/manager/scheduler/pipeline.ts';
import { taskUsage } from '../../../src/manager/scheduler/task-usage.ts';
import { aNode, aTask } from './fixtures.ts';

function withContainer(task: Task, extra: Record<string, unknown>): Task {
  return {
    ...task,
    Spec: { ...task.Spec, ContainerSpec: { ...task.Spec.ContainerSpec, ...extra } },
  };
}

test('process nodes run plain commands; mounts and TTYs need a docker node', () => {
  const process = new NodeInfo('p', aNode('p', { engineLabels: { executor: 'process' } }));
  const docker = new NodeInfo('d', aNode('d', { engineLabels: { executor: 'docker' } }));
  const pipeline = new Pipeline(executorCapabilities);
  const plain = aTask('plain');
  pipeline.setTask(plain, taskUsage(plain));
  assert.equal(pipeline.passes(process), true);
  for (const extra of [{ Mounts: [{ Type: 'bind', Source: '/a', Target: '/b' }] }, { TTY: true }]) {
    const task = withContainer(aTask('t'), extra);
    pipeline.setTask(task, taskUsage(task));
    assert.equal(pipeline.passes(process), false);
    assert.equal(pipeline.passes(docker), true);
    assert.equal(pipeline.explain([process]), 'unsupported executor on 1 node');
  }
});
