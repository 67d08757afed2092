import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters } from '../../src/api/filters.ts';
import {
  CONFIG_FILTER_KEYS,
  NETWORK_FILTER_KEYS,
  NODE_FILTER_KEYS,
  SECRET_FILTER_KEYS,
  SERVICE_FILTER_KEYS,
  TASK_FILTER_KEYS,
  configMatcher,
  networkMatcher,
  nodeMatcher,
  secretMatcher,
  serviceMatcher,
  taskMatcher,
} from '../../src/api/object-filters.ts';
import {
  aConfig,
  aNetwork,
  aNode,
  aSecret,
  aService,
  aServiceSpec,
  aTask,
} from './support/objects.ts';

function ids<T extends { id: string }>(list: readonly T[], keep: (t: T) => boolean): string[] {
  return list.filter(keep).map((t) => t.id);
}

describe('nodes', () => {
  const nodes = [
    aNode(),
    aNode({
      id: 'node2',
      Role: 'manager',
      Spec: { Role: 'manager', Availability: 'active', Labels: { zone: 'a' } },
      Description: { Hostname: 'mgr-1', Engine: { Labels: { executor: 'process' } } },
    }),
    aNode({ id: 'other', Membership: 'pending', Description: { Hostname: 'host-2' } }),
  ];
  const cases: [string, string, string[]][] = [
    ['id prefix', '{"id":["node"]}', ['node1', 'node2']],
    ['name is the hostname prefix', '{"name":["host"]}', ['node1', 'other']],
    ['role (current role, any case)', '{"role":["MANAGER"]}', ['node2']],
    ['membership', '{"membership":["pending"]}', ['other']],
    ['label is an engine label', '{"label":["executor=process"]}', ['node2']],
    ['node.label is a node label', '{"node.label":["zone"]}', ['node2']],
    ['keys combine with AND', '{"role":["worker"],"name":["host-2"]}', ['other']],
  ];
  for (const [name, raw, expected] of cases) {
    test(name, () =>
      assert.deepEqual(ids(nodes, nodeMatcher(parseFilters(raw, NODE_FILTER_KEYS))), expected),
    );
  }
  test('bad role and membership values are refused in Docker words', () => {
    assert.throws(() => nodeMatcher(parseFilters('{"role":["boss"]}', NODE_FILTER_KEYS)), {
      message: "Invalid role filter: 'boss'",
    });
    assert.throws(() => nodeMatcher(parseFilters('{"membership":["x"]}', NODE_FILTER_KEYS)), {
      message: "Invalid membership filter: 'x'",
    });
  });
});

describe('services', () => {
  const services = [
    aService(),
    aService({
      id: 'svc2',
      Spec: aServiceSpec({ Name: 'worker', Mode: { Global: {} }, Labels: { a: 'b' } }),
    }),
    aService({ id: 'job', Spec: aServiceSpec({ Name: 'migrate', Mode: { ReplicatedJob: {} } }) }),
  ];
  const cases: [string, string, string[]][] = [
    ['mode replicated includes an unset mode', '{"mode":["replicated"]}', ['svc1']],
    ['mode global', '{"mode":["global"]}', ['svc2']],
    ['mode replicated-job', '{"mode":["replicated-job"]}', ['job']],
    ['name prefix', '{"name":["w"]}', ['svc1', 'svc2']],
    ['label', '{"label":["a=b"]}', ['svc2']],
    ['runtime container', '{"runtime":["container"]}', ['svc1', 'svc2', 'job']],
  ];
  for (const [name, raw, expected] of cases) {
    test(name, () =>
      assert.deepEqual(
        ids(services, serviceMatcher(parseFilters(raw, SERVICE_FILTER_KEYS))),
        expected,
      ),
    );
  }
});

describe('tasks', () => {
  const tasks = [
    aTask(),
    aTask({ id: 'task2', Slot: 2, DesiredState: 'shutdown', NodeID: 'node2' }),
    aTask({ id: 'task3', ServiceID: 'svc2', ServiceAnnotations: { Name: 'api' } }),
  ];
  const cases: [string, string, string[]][] = [
    ['desired-state', '{"desired-state":["running"]}', ['task1', 'task3']],
    ['desired-state, any case, several', '{"desired-state":["Shutdown","accepted"]}', ['task2']],
    ['service by ID', '{"service":["svc1"]}', ['task1', 'task2']],
    ['node by ID', '{"node":["node2"]}', ['task2']],
    ['name is service.slot.id', '{"name":["web.2"]}', ['task2']],
    ['label is the service label', '{"label":["tier=front"]}', ['task1', 'task2']],
  ];
  for (const [name, raw, expected] of cases) {
    test(name, () =>
      assert.deepEqual(ids(tasks, taskMatcher(parseFilters(raw, TASK_FILTER_KEYS))), expected),
    );
  }
  test('_up-to-date asks the context', () => {
    const f = parseFilters('{"_up-to-date":["true"]}', TASK_FILTER_KEYS);
    assert.deepEqual(ids(tasks, taskMatcher(f, { isUpToDate: (t) => t.Slot === 2 })), ['task2']);
    assert.deepEqual(ids(tasks, taskMatcher(f)), ['task1', 'task2', 'task3']);
  });
  test('an unknown desired state is refused', () => {
    assert.throws(() => taskMatcher(parseFilters('{"desired-state":["gone"]}', TASK_FILTER_KEYS)), {
      code: 'FILTER_INVALID',
      message: "Invalid desired-state filter: 'gone'",
    });
  });
});

describe('secrets and configs', () => {
  const secrets = [
    aSecret(),
    aSecret({ id: 'sec2', Spec: { Name: 'db-pass-old', Labels: { x: 'y' } } }),
  ];
  test('name is a prefix, names is exact', () => {
    const byPrefix = secretMatcher(parseFilters('{"name":["db-pass"]}', SECRET_FILTER_KEYS));
    const exact = secretMatcher(parseFilters('{"names":["db-pass"]}', SECRET_FILTER_KEYS));
    assert.deepEqual(ids(secrets, byPrefix), ['sec1', 'sec2']);
    assert.deepEqual(ids(secrets, exact), ['sec1']);
  });
  test('configs take id, name and label but not names', () => {
    const configs = [
      aConfig(),
      aConfig({ id: 'cfg2', Spec: { Name: 'other', Labels: { x: '' } } }),
    ];
    assert.deepEqual(
      ids(configs, configMatcher(parseFilters('{"label":["x"]}', CONFIG_FILTER_KEYS))),
      ['cfg2'],
    );
    assert.throws(() => parseFilters('{"names":["a"]}', CONFIG_FILTER_KEYS), {
      message: "invalid filter 'names'",
    });
  });
});

describe('networks', () => {
  const networks = [
    aNetwork(),
    aNetwork({
      id: 'net2',
      Spec: { Name: 'frontend', Labels: { 'com.docker.swarm.predefined': 'true' } },
    }),
  ];
  const cases: [string, string, string[]][] = [
    ['name as a pattern', '{"name":["end$"]}', ['net1', 'net2']],
    ['type builtin', '{"type":["builtin"]}', ['net2']],
    ['type custom', '{"type":["custom"]}', ['net1']],
    ['driver', '{"driver":["overlay"]}', ['net1', 'net2']],
    ['scope swarm', '{"scope":["swarm"]}', ['net1', 'net2']],
    ['scope local', '{"scope":["local"]}', []],
  ];
  for (const [name, raw, expected] of cases) {
    test(name, () =>
      assert.deepEqual(
        ids(networks, networkMatcher(parseFilters(raw, NETWORK_FILTER_KEYS))),
        expected,
      ),
    );
  }
  test('dangling uses the context; predefined networks are never dangling', () => {
    const f = parseFilters('{"dangling":["true"]}', NETWORK_FILTER_KEYS);
    assert.deepEqual(ids(networks, networkMatcher(f, { inUse: () => false })), ['net1']);
    assert.deepEqual(ids(networks, networkMatcher(f, { inUse: () => true })), []);
  });
  test('bad type and dangling values are refused in Docker words', () => {
    assert.throws(() => networkMatcher(parseFilters('{"type":["x"]}', NETWORK_FILTER_KEYS)), {
      message: "invalid filter: 'type'='x'",
    });
    assert.throws(
      () => networkMatcher(parseFilters('{"dangling":["maybe"]}', NETWORK_FILTER_KEYS)),
      {
        message: `invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`,
      },
    );
  });
});
