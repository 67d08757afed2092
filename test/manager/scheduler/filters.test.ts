import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Task } from '../../../src/api/objects/task.ts';
import { NodeInfo } from '../../../src/manager/scheduler/node-info.ts';
import { Pipeline } from '../../../src/manager/scheduler/pipeline.ts';
import { taskUsage } from '../../../src/manager/scheduler/task-usage.ts';
import type { NodeOptions, TaskOptions } from './fixtures.ts';
import { aNode, aTask } from './fixtures.ts';

function info(id: string, options: NodeOptions = {}): NodeInfo {
  return new NodeInfo(id, aNode(id, options));
}

function pipelineFor(task: Task, policy?: (executor: string | undefined) => boolean): Pipeline {
  const pipeline = new Pipeline(policy);
  pipeline.setTask(task, taskUsage(task));
  return pipeline;
}

function passes(taskOptions: TaskOptions, node: NodeInfo): boolean {
  return pipelineFor(aTask('t', taskOptions)).passes(node);
}

describe('filters', () => {
  test('ready: the node must be ready and active', () => {
    assert.equal(passes({}, info('a')), true);
    for (const state of ['down', 'unknown', 'disconnected'] as const) {
      assert.equal(passes({}, info('a', { state })), false, state);
    }
    for (const availability of ['pause', 'drain'] as const) {
      assert.equal(passes({}, info('a', { availability })), false, availability);
    }
  });

  test('resources: reservations must fit in what is left, limits do not count', () => {
    const node = info('a', { cpus: 2e9, memory: 2 ** 30 });
    assert.equal(passes({ cpus: 2e9 }, node), true);
    assert.equal(passes({ cpus: 2e9 + 1 }, node), false);
    assert.equal(passes({ memory: 2 ** 30 + 1 }, node), false);
    node.addTask('x', taskUsage(aTask('x', { cpus: 1e9, memory: 2 ** 29 })));
    assert.equal(passes({ cpus: 1e9, memory: 2 ** 29 }, node), true);
    assert.equal(passes({ cpus: 1e9 + 1 }, node), false);
    node.removeTask('x');
    assert.equal(passes({ cpus: 2e9 }, node), true);
  });

  test('constraints', () => {
    const node = info('a', { labels: { zone: 'east' } });
    assert.equal(passes({ placement: { Constraints: ['node.labels.zone==east'] } }, node), true);
    assert.equal(passes({ placement: { Constraints: ['node.labels.zone==west'] } }, node), false);
  });

  test('platform: x86_64 is amd64, aarch64 is arm64, empty fields match anything', () => {
    const node = info('a', { os: 'linux', arch: 'x86_64' });
    const on = (Platforms: { OS?: string; Architecture?: string }[]): boolean =>
      passes({ placement: { Platforms } }, node);
    assert.equal(on([{ OS: 'linux', Architecture: 'amd64' }]), true);
    assert.equal(on([{ Architecture: 'x86_64' }]), true);
    assert.equal(on([{ OS: 'windows' }, { OS: 'linux' }]), true);
    assert.equal(on([{ OS: 'linux', Architecture: 'arm64' }]), false);
    assert.equal(
      passes(
        { placement: { Platforms: [{ Architecture: 'arm64' }] } },
        info('b', { arch: 'aarch64' }),
      ),
      true,
    );
  });

  test('host ports: a host-mode published port may be used once per node', () => {
    const node = info('a');
    assert.equal(passes({ hostPorts: [8080] }, node), true);
    node.addTask('x', taskUsage(aTask('x', { hostPorts: [8080] })));
    assert.equal(passes({ hostPorts: [8080] }, node), false);
    assert.equal(passes({ hostPorts: [8081] }, node), true);
    assert.equal(passes({}, node), true);
  });

  test('max replicas: fewer active tasks of the service than the limit', () => {
    const node = info('a');
    node.addTask('x', taskUsage(aTask('x')));
    assert.equal(passes({ placement: { MaxReplicas: 2 } }, node), true);
    assert.equal(passes({ placement: { MaxReplicas: 1 } }, node), false);
    assert.equal(passes({ service: 'other', placement: { MaxReplicas: 1 } }, node), true);
    node.addTask('x', taskUsage(aTask('x', { desired: 'shutdown' })));
    assert.equal(passes({ placement: { MaxReplicas: 1 } }, node), true);
  });

  test('executor: the policy decides from the engine label `executor`', () => {
    const docker = info('d', { engineLabels: { executor: 'docker' } });
    const bare = info('b', { engineLabels: {} });
    const dockerOnly = pipelineFor(aTask('t'), (executor) => executor === 'docker');
    assert.equal(dockerOnly.passes(docker), true);
    assert.equal(dockerOnly.passes(bare), false);
    assert.equal(dockerOnly.explain([bare, info('p')]), 'unsupported executor on 2 nodes');
    assert.equal(pipelineFor(aTask('t')).passes(bare), true);
  });
});

describe('Pipeline.explain', () => {
  test("each filter's words, singular and plural", () => {
    const cases: [TaskOptions, NodeOptions, string, string][] = [
      [
        {},
        { state: 'down' },
        '1 node not available for new tasks',
        '2 nodes not available for new tasks',
      ],
      [{ cpus: 8e9 }, {}, 'insufficient resources on 1 node', 'insufficient resources on 2 nodes'],
      [
        { placement: { Constraints: ['node.role==manager'] } },
        {},
        'scheduling constraints not satisfied on 1 node',
        'scheduling constraints not satisfied on 2 nodes',
      ],
      [
        { placement: { Platforms: [{ OS: 'windows' }] } },
        {},
        'unsupported platform on 1 node',
        'unsupported platform on 2 nodes',
      ],
    ];
    for (const [taskOptions, nodeOptions, one, two] of cases) {
      const pipeline = pipelineFor(aTask('t', taskOptions));
      assert.equal(pipeline.explain([info('a', nodeOptions)]), one);
      assert.equal(pipeline.explain([info('a', nodeOptions), info('b', nodeOptions)]), two);
    }
  });

  test('host ports and max replicas', () => {
    const node = info('a');
    node.addTask('x', taskUsage(aTask('x', { hostPorts: [80] })));
    assert.equal(
      pipelineFor(aTask('t', { hostPorts: [80] })).explain([node]),
      'host-mode port already in use on 1 node',
    );
    assert.equal(
      pipelineFor(aTask('t', { placement: { MaxReplicas: 1 } })).explain([node, node]),
      'max replicas per node limit exceed',
    );
  });

  test('each node is blamed on its first failing filter; most failures first, ties in filter order', () => {
    const task = aTask('t', { cpus: 3e9, placement: { Constraints: ['node.labels.zone==east'] } });
    const nodes = [
      info('down1', { state: 'down' }),
      info('small1', { cpus: 1e9, labels: { zone: 'west' } }),
      info('small2', { cpus: 1e9 }),
      info('small3', { cpus: 1e9, labels: { zone: 'east' } }),
      info('west1', { labels: { zone: 'west' } }),
      info('drained', { availability: 'drain' }),
      info('east', { labels: { zone: 'east' } }),
    ];
    assert.equal(
      pipelineFor(task).explain(nodes),
      'insufficient resources on 3 nodes; 2 nodes not available for new tasks; scheduling constraints not satisfied on 1 node',
    );
    assert.equal(
      pipelineFor(task).explain([
        info('west1', { labels: { zone: 'west' } }),
        info('down1', { state: 'down' }),
      ]),
      '1 node not available for new tasks; scheduling constraints not satisfied on 1 node',
    );
    assert.equal(pipelineFor(task).explain([]), '');
  });
});
