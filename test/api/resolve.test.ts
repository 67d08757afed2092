import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters } from '../../src/api/filters.ts';
import { TASK_FILTER_KEYS } from '../../src/api/object-filters.ts';
import {
  resolveConfig,
  resolveNetwork,
  resolveNode,
  resolveSecret,
  resolveService,
  resolveTask,
  resolveTaskFilterRefs,
} from '../../src/api/resolve.ts';
import {
  aConfig,
  aNetwork,
  aNode,
  aSecret,
  aService,
  aServiceSpec,
  aTask,
} from './support/objects.ts';

const services = [
  aService({ id: 'abc111', Spec: aServiceSpec({ Name: 'web' }) }),
  aService({ id: 'abc222', Spec: aServiceSpec({ Name: 'api' }) }),
  // A service whose name is another's ID: the ID wins.
  aService({ id: 'xyz999', Spec: aServiceSpec({ Name: 'abc111' }) }),
  aService({ id: 'web000', Spec: aServiceSpec({ Name: 'db' }) }),
];

describe('resolveService', () => {
  const found: [string, string, string][] = [
    ['exact ID', 'abc222', 'abc222'],
    ['an exact ID beats a name', 'abc111', 'abc111'],
    ['exact name', 'api', 'abc222'],
    ['an exact name beats an ID prefix', 'web', 'abc111'],
    ['unique ID prefix', 'xyz', 'xyz999'],
  ];
  for (const [name, ref, id] of found) {
    test(name, () => assert.equal(resolveService(ref, services).id, id));
  }

  const failures: [string, string, string, number, string][] = [
    [
      'ambiguous prefix',
      'abc',
      'REFERENCE_AMBIGUOUS',
      400,
      'service abc is ambiguous (2 matches found)',
    ],
    ['nothing', 'nope', 'SERVICE_NOT_FOUND', 404, 'service nope not found'],
    ['a name prefix never counts', 'ap', 'SERVICE_NOT_FOUND', 404, 'service ap not found'],
    ['names are case-sensitive', 'API', 'SERVICE_NOT_FOUND', 404, 'service API not found'],
    ['empty', '', 'SERVICE_NOT_FOUND', 404, 'service  not found'],
  ];
  for (const [name, ref, code, status, message] of failures) {
    test(name, () => assert.throws(() => resolveService(ref, services), { code, status, message }));
  }
});

describe('other kinds use their own names and words', () => {
  test('nodes resolve by hostname; a shared hostname is ambiguous', () => {
    const nodes = [aNode(), aNode({ id: 'node2', Description: { Hostname: 'host-1' } })];
    assert.throws(() => resolveNode('host-1', nodes), {
      message: 'node host-1 is ambiguous (2 matches found)',
    });
    assert.equal(resolveNode('node2', nodes).id, 'node2');
    assert.throws(() => resolveNode('zz', nodes), {
      code: 'NODE_NOT_FOUND',
      message: 'node zz not found',
    });
  });

  test('tasks resolve by service.slot.id', () => {
    assert.equal(resolveTask('web.1.task1', [aTask()]).id, 'task1');
    assert.throws(() => resolveTask('x', [aTask()]), {
      code: 'TASK_NOT_FOUND',
      message: 'task x not found',
    });
  });

  test('networks, secrets and configs resolve by name', () => {
    assert.equal(resolveNetwork('backend', [aNetwork()]).id, 'net1');
    assert.equal(resolveSecret('db-pass', [aSecret()]).id, 'sec1');
    assert.equal(resolveConfig('app-conf', [aConfig()]).id, 'cfg1');
    assert.throws(() => resolveNetwork('x', []), {
      code: 'NETWORK_NOT_FOUND',
      message: 'network x not found',
    });
    assert.throws(() => resolveSecret('x', []), {
      code: 'SECRET_NOT_FOUND',
      message: 'secret x not found',
    });
    assert.throws(() => resolveConfig('x', []), {
      code: 'CONFIG_NOT_FOUND',
      message: 'config x not found',
    });
  });
});

test('task filters resolve service and node references to IDs', () => {
  const filters = parseFilters(
    '{"service":["api"],"node":["host-1"],"id":["t"]}',
    TASK_FILTER_KEYS,
  );
  const resolved = resolveTaskFilterRefs(filters, services, [aNode()]);
  assert.deepEqual([...(resolved.get('service') ?? [])], ['abc222']);
  assert.deepEqual([...(resolved.get('node') ?? [])], ['node1']);
  assert.deepEqual([...(resolved.get('id') ?? [])], ['t']);
  assert.throws(
    () =>
      resolveTaskFilterRefs(parseFilters('{"service":["nope"]}', TASK_FILTER_KEYS), services, []),
    { code: 'SERVICE_NOT_FOUND' },
  );
});
