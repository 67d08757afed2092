import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deepFreeze } from '../../src/store/store-object.ts';
import { nameKey } from '../../src/store/table-spec.ts';
import { TableState } from '../../src/store/table-state.ts';
import type { Service } from './support/tables.ts';
import { ids, services } from './support/tables.ts';

const meta = { version: 1, createdAt: '', updatedAt: '' };

function service(id: string, name: string, labels: Record<string, string>): Service {
  return deepFreeze({ id, meta, name, labels, replicas: 1 });
}

describe('TableState', () => {
  test('index answers match a full scan after any sequence of writes', () => {
    const write = fc.record({
      id: fc.constantFrom('a1', 'a2', 'b1', 'b2', 'c1'),
      name: fc.constantFrom('x', 'y', 'z', 'X'),
      labels: fc.dictionary(fc.constantFrom('tier', 'team', 'env'), fc.constantFrom('1', '2')),
      remove: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), (writes) => {
        const table = new TableState(services);
        const oracle = new Map<string, Service>();
        for (const { id, name, labels, remove } of writes) {
          const existing = table.get(id);
          const owner = table.nameOwner(name);
          if (remove) {
            if (existing) table.remove(existing);
            oracle.delete(id);
            continue;
          }
          // The apply path checks names before writing; mirror it so writes stay legal.
          if (owner !== undefined && owner !== id) continue;
          const next = service(id, name, labels);
          if (existing) table.replace(existing, next);
          else table.insert(next);
          oracle.set(id, next);
        }
        const everything = [...oracle.values()];
        assert.deepEqual(ids(table.all()), ids(everything));
        for (const key of ['tier', 'team', 'env', 'tier=1', 'tier=2', 'env=2', 'none']) {
          const expected = everything.filter((s) =>
            Object.entries(s.labels).some(([k, v]) => k === key || `${k}=${v}` === key),
          );
          assert.deepEqual(ids(table.find('label', key)), ids(expected), key);
        }
        for (const name of ['x', 'y', 'z']) {
          const expected = everything.find((s) => nameKey(s.name) === name);
          assert.equal(table.getByName(name.toUpperCase())?.id, expected?.id);
        }
        for (const prefix of ['a', 'b', 'a1', 'c']) {
          assert.deepEqual(
            ids(table.findByIdPrefix(prefix)),
            ids(everything.filter((s) => s.id.startsWith(prefix))),
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  test('an index function that throws leaves the table untouched', () => {
    const table = new TableState(services);
    const broken = { ...service('a', 'x', {}), labels: null } as unknown as Service;
    assert.throws(() => table.insert(broken));
    assert.equal(table.size, 0);
    assert.equal(table.getByName('x'), undefined);
  });

  test('inserting a taken ID or name is an invariant violation', () => {
    const table = new TableState(services);
    table.insert(service('a', 'x', {}));
    assert.throws(() => table.insert(service('a', 'y', {})), /store-unique-id/);
    assert.throws(() => table.insert(service('b', 'X', {})), /store-unique-name/);
  });
});
