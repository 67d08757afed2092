import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromEngineEnvelope,
  pickDefined,
  toEngineEnvelope,
} from '../../../src/api/objects/envelope.ts';
import { META } from '../support/objects.ts';

test('the store envelope maps to Docker ID/Version/CreatedAt/UpdatedAt', () => {
  assert.deepEqual(toEngineEnvelope({ id: 'abc', meta: META }), {
    ID: 'abc',
    Version: { Index: 7 },
    CreatedAt: META.createdAt,
    UpdatedAt: META.updatedAt,
  });
});

test('fromEngineEnvelope inverts toEngineEnvelope', () => {
  const stored = { id: 'abc', meta: META };
  assert.deepEqual(fromEngineEnvelope(toEngineEnvelope(stored)), stored);
});

test('fromEngineEnvelope reads missing fields as Go zero values', () => {
  assert.deepEqual(fromEngineEnvelope({}), {
    id: '',
    meta: { version: 0, createdAt: '', updatedAt: '' },
  });
});

test('the Engine envelope opens with ID, Version, CreatedAt, UpdatedAt in that order', () => {
  assert.deepEqual(Object.keys(toEngineEnvelope({ id: 'a', meta: META })), [
    'ID',
    'Version',
    'CreatedAt',
    'UpdatedAt',
  ]);
});

test('pickDefined copies only present fields, in the order asked', () => {
  const source = { b: 2, a: 1, c: undefined, d: 4 };
  const picked = pickDefined(source, ['a', 'b', 'c']);
  assert.deepEqual(picked, { a: 1, b: 2 });
  assert.deepEqual(Object.keys(picked), ['a', 'b']);
});
