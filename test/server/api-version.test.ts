import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_API_VERSION,
  MIN_API_VERSION,
  apiVersionAtLeast,
  checkApiVersion,
  compareApiVersions,
  shoalApiVersions,
} from '../../src/server/api-version.ts';

test('versions compare part by part as integers', () => {
  assert.equal(compareApiVersions('1.4', '1.24'), -1);
  assert.equal(compareApiVersions('1.41', '1.41'), 0);
  assert.equal(compareApiVersions('1.40', '1.40.0'), 0);
  assert.equal(compareApiVersions('2.0', '1.99'), 1);
  assert.equal(compareApiVersions('1.x', '1.0'), 0);
  assert.ok(apiVersionAtLeast('1.42', '1.42'));
  assert.ok(!apiVersionAtLeast('1.41', '1.42'));
});

test('shoal serves 1.24 through 1.41', () => {
  assert.equal(MIN_API_VERSION, '1.24');
  assert.equal(MAX_API_VERSION, '1.41');
  assert.equal(checkApiVersion('1.24', shoalApiVersions), undefined);
  assert.equal(checkApiVersion('1.41', shoalApiVersions), undefined);
});

test('out-of-range versions are rejected with the Engine messages', () => {
  assert.deepEqual(checkApiVersion('1.42', shoalApiVersions), {
    kind: 'too-new',
    message: 'client version 1.42 is too new. Maximum supported API version is 1.41',
  });
  assert.deepEqual(checkApiVersion('1.23', shoalApiVersions), {
    kind: 'too-old',
    message:
      'client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version',
  });
});
