import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../src/base/errors.ts';
import {
  bodyTooLarge,
  invalidJson,
  invalidParameter,
  pageNotFound,
  toHttpError,
  versionUnsupported,
} from '../../src/server/errors.ts';

test('a ShoalError whose code is in the table answers with the table status', () => {
  const err = new ShoalError('STORE_NOT_FOUND', 'node x not found', { status: 500 });
  assert.deepEqual(toHttpError(err), { status: 404, message: 'node x not found', internal: false });
});

test('a ShoalError with a code outside the table answers with its own status', () => {
  const err = new ShoalError('SERVICE_EXISTS', 'service web already exists', { status: 409 });
  assert.deepEqual(toHttpError(err), {
    status: 409,
    message: 'service web already exists',
    internal: false,
  });
});

test('anything else is an internal 500 carrying its message', () => {
  assert.deepEqual(toHttpError(new Error('disk on fire')), {
    status: 500,
    message: 'disk on fire',
    internal: true,
  });
  assert.deepEqual(toHttpError('plain string'), {
    status: 500,
    message: 'plain string',
    internal: true,
  });
  assert.equal(toHttpError(new Error('')).message, 'internal server error');
});

test('the server error factories carry the Engine statuses', () => {
  assert.equal(toHttpError(pageNotFound()).status, 404);
  assert.equal(pageNotFound().message, 'page not found');
  assert.equal(toHttpError(versionUnsupported('too new')).status, 400);
  assert.equal(toHttpError(invalidParameter('bad', 'version')).status, 400);
  assert.equal(invalidParameter('bad', 'version').field, 'version');
  assert.equal(toHttpError(invalidJson('invalid JSON: x')).status, 400);
  assert.equal(toHttpError(bodyTooLarge(10)).status, 413);
});
