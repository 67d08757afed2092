import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFilters, encodeQuery, queryEscape } from '../../../src/cli/client/query-string.ts';

test('queries are sorted and escaped as Go url.Values.Encode does', () => {
  assert.equal(queryEscape('a b/c?d=e&f*(~)'), 'a+b%2Fc%3Fd%3De%26f%2A%28~%29');
  assert.equal(
    encodeQuery({ version: 3, force: true, a: undefined, Z: 'x' }),
    'Z=x&force=true&version=3',
  );
  assert.equal(encodeQuery({}), '');
});

test('filters use docker\'s {"key":{"value":true}} form with sorted keys and values', () => {
  assert.equal(encodeFilters(new Map()), undefined);
  assert.equal(
    encodeFilters(
      new Map([
        ['role', ['manager']],
        ['label', ['b=2', 'a']],
      ]),
    ),
    '{"label":{"a":true,"b=2":true},"role":{"manager":true}}',
  );
});
