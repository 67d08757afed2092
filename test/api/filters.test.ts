import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Filters } from '../../src/api/filters.ts';
import {
  enumFilterValues,
  filterValues,
  matchesExact,
  matchesLabels,
  matchesPattern,
  matchesPrefix,
  parseFilters,
} from '../../src/api/filters.ts';

const accepted = ['id', 'name', 'label', 'role'];

function filters(entries: Record<string, string[]>): Filters {
  return new Map(Object.entries(entries).map(([k, v]) => [k, new Set(v)]));
}

describe('parseFilters', () => {
  const valid: [string, string | undefined, Record<string, string[]>][] = [
    ['absent', undefined, {}],
    ['empty', '', {}],
    ['empty object', '{}', {}],
    ['list form', '{"name":["web","api"]}', { name: ['web', 'api'] }],
    [
      'map form (docker CLI)',
      '{"name":{"web":true},"label":{"a=b":true}}',
      { name: ['web'], label: ['a=b'] },
    ],
    ['map form drops false entries', '{"name":{"web":true,"api":false}}', { name: ['web'] }],
    ['empty value list', '{"id":[]}', { id: [] }],
  ];
  for (const [name, raw, expected] of valid) {
    test(`parses ${name}`, () => {
      const parsed = parseFilters(raw, accepted);
      assert.deepEqual(Object.fromEntries([...parsed].map(([k, v]) => [k, [...v]])), expected);
    });
  }

  const invalid: [string, string, string][] = [
    ['not JSON', '{name', 'invalid filter'],
    ['an array', '["name"]', 'invalid filter'],
    ['null', 'null', 'invalid filter'],
    ['a string value', '{"name":"web"}', 'invalid filter'],
    ['numbers in the list', '{"name":[1]}', 'invalid filter'],
    ['non-boolean map values', '{"name":{"web":"yes"}}', 'invalid filter'],
    ['an unknown key', '{"nme":["web"]}', "invalid filter 'nme'"],
  ];
  for (const [name, raw, message] of invalid) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => parseFilters(raw, accepted),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.equal((error as { code?: string }).code, 'FILTER_INVALID');
          assert.equal((error as { status?: number }).status, 400);
          assert.equal(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('matchers', () => {
  test('prefix: any value may be a prefix; absent or empty key matches all', () => {
    const f = filters({ name: ['we', 'ap'], id: [] });
    assert.ok(matchesPrefix(f, 'name', 'web'));
    assert.ok(matchesPrefix(f, 'name', 'api'));
    assert.ok(!matchesPrefix(f, 'name', 'db'));
    assert.ok(!matchesPrefix(f, 'name', 'WEB'));
    assert.ok(matchesPrefix(f, 'id', 'anything'));
    assert.ok(matchesPrefix(f, 'label', 'anything'));
  });

  test('exact', () => {
    const f = filters({ mode: ['global'] });
    assert.ok(matchesExact(f, 'mode', 'global'));
    assert.ok(!matchesExact(f, 'mode', 'global-job'));
  });

  const labelCases: [string, string[], Record<string, string> | undefined, boolean][] = [
    ['key present', ['tier'], { tier: 'web' }, true],
    ['key missing', ['tier'], { env: 'x' }, false],
    ['key=value equal', ['tier=web'], { tier: 'web' }, true],
    ['key=value differs', ['tier=web'], { tier: 'db' }, false],
    ['key= only needs the key', ['tier='], { tier: 'db' }, true],
    ['all values must hold', ['tier=web', 'env'], { tier: 'web' }, false],
    ['value may contain =', ['expr=a=b'], { expr: 'a=b' }, true],
    ['no labels at all', ['tier'], undefined, false],
    ['no label filter', [], undefined, true],
  ];
  for (const [name, wanted, labels, expected] of labelCases) {
    test(`labels: ${name}`, () =>
      assert.equal(matchesLabels(filters({ label: wanted }), 'label', labels), expected));
  }

  test('pattern: exact or regular expression; bad patterns are skipped', () => {
    const f = filters({ name: ['^back', '(', 'front'] });
    assert.ok(matchesPattern(f, 'name', 'backend'));
    assert.ok(matchesPattern(f, 'name', 'my-frontend'));
    assert.ok(!matchesPattern(f, 'name', 'db'));
  });

  test('enum values are checked case-insensitively and reported in Docker words', () => {
    assert.deepEqual(
      [...enumFilterValues(filters({ role: ['Manager', ''] }), 'role', ['worker', 'manager'])],
      ['manager'],
    );
    assert.throws(
      () => enumFilterValues(filters({ role: ['boss'] }), 'role', ['worker', 'manager']),
      { code: 'FILTER_INVALID', message: "Invalid role filter: 'boss'" },
    );
  });

  test('filterValues lists a key', () => {
    assert.deepEqual(filterValues(filters({ id: ['a', 'b'] }), 'id'), ['a', 'b']);
    assert.deepEqual(filterValues(filters({}), 'id'), []);
  });
});
