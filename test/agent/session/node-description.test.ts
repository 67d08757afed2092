import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeExecutorNode,
  describeNode,
  localNodeFacts,
} from '../../../src/agent/session/node-description.ts';

test('describeNode: platform, nano-CPUs, memory, engine version and the executor label', () => {
  const description = describeNode({
    hostname: 'w1',
    architecture: 'aarch64',
    os: 'linux',
    cpus: 4,
    memoryBytes: 8 * 1024 ** 3,
    engineVersion: '0.1.0',
    executor: 'docker',
    labels: { zone: 'a', executor: 'process' },
  });
  assert.deepEqual(description, {
    Hostname: 'w1',
    Platform: { Architecture: 'aarch64', OS: 'linux' },
    Resources: { NanoCPUs: 4e9, MemoryBytes: 8 * 1024 ** 3 },
    Engine: { EngineVersion: '0.1.0', Labels: { zone: 'a', executor: 'docker' } },
  });
});

test('localNodeFacts reads this machine', () => {
  const facts = localNodeFacts('process', '0.1.0');
  assert.equal(facts.executor, 'process');
  assert.ok(facts.hostname.length > 0);
  assert.ok(facts.cpus >= 1 && facts.memoryBytes > 0);
  assert.notEqual(facts.architecture, 'x64');
});

test("describeExecutorNode: the executor's facts, and its kind as the executor label", () => {
  const description = describeExecutorNode('box', 'docker', {
    engineLabels: { executor: 'process', zone: 'a' },
    resources: { NanoCPUs: 2e9, MemoryBytes: 1024 },
    platform: { OS: 'linux', Architecture: 'aarch64' },
    engineVersion: '24.0.7',
  });
  assert.deepEqual(description, {
    Hostname: 'box',
    Platform: { Architecture: 'aarch64', OS: 'linux' },
    Resources: { NanoCPUs: 2e9, MemoryBytes: 1024 },
    Engine: { EngineVersion: '24.0.7', Labels: { executor: 'docker', zone: 'a' } },
  });
});
