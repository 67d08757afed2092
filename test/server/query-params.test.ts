import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../src/base/errors.ts';
import {
  queryBool,
  queryBoolOrDefault,
  queryFilters,
  queryObjectVersion,
  queryStrictBool,
} from '../../src/server/query-params.ts';

const q = (text: string): URLSearchParams => new URLSearchParams(text);

test('queryBool reads booleans as the Engine does: only empty, 0, no, false, none are false', () => {
  for (const value of ['', '0', 'no', 'false', 'none', 'FALSE', ' No ']) {
    assert.equal(queryBool(q(`force=${encodeURIComponent(value)}`), 'force'), false, value);
  }
  for (const value of ['1', 'true', 'True', 'yes', 'anything']) {
    assert.equal(queryBool(q(`force=${value}`), 'force'), true, value);
  }
  assert.equal(queryBool(q(''), 'force'), false);
});

test('queryBoolOrDefault uses the default only when the parameter is absent', () => {
  assert.equal(queryBoolOrDefault(q(''), 'stdout', true), true);
  assert.equal(queryBoolOrDefault(q('stdout='), 'stdout', true), false);
  assert.equal(queryBoolOrDefault(q('stdout=1'), 'stdout', false), true);
});

test('queryStrictBool accepts Go ParseBool spellings and rejects the rest with a 400', () => {
  for (const value of ['1', 't', 'T', 'TRUE', 'true', 'True']) {
    assert.equal(queryStrictBool(q(`status=${value}`), 'status'), true);
  }
  for (const value of ['0', 'f', 'F', 'FALSE', 'false', 'False']) {
    assert.equal(queryStrictBool(q(`status=${value}`), 'status'), false);
  }
  assert.equal(queryStrictBool(q(''), 'status'), undefined);
  assert.equal(queryStrictBool(q('status='), 'status'), undefined);
  assert.throws(
    () => queryStrictBool(q('rotateWorkerToken=yes'), 'rotateWorkerToken'),
    (err: unknown) =>
      err instanceof ShoalError &&
      err.status === 400 &&
      err.message === 'invalid value for rotateWorkerToken: yes',
  );
});

test('queryObjectVersion parses the index and words junk as the Engine does', () => {
  assert.equal(queryObjectVersion(q('version=42'), 'service'), 42);
  assert.equal(queryObjectVersion(q('version=0'), 'node'), 0);
  const rejects = (text: string, kind: Parameters<typeof queryObjectVersion>[1], message: string) =>
    assert.throws(
      () => queryObjectVersion(q(text), kind),
      (err: unknown) =>
        err instanceof ShoalError &&
        err.status === 400 &&
        err.field === 'version' &&
        err.message === message,
    );
  rejects(
    'version=abc',
    'service',
    `invalid service version 'abc': strconv.ParseUint: parsing "abc": invalid syntax`,
  );
  rejects('', 'node', `invalid node version '': strconv.ParseUint: parsing "": invalid syntax`);
  rejects(
    'version=-1',
    'swarm',
    `invalid swarm version '-1': strconv.ParseUint: parsing "-1": invalid syntax`,
  );
  rejects(
    'version=99999999999999999999',
    'node',
    `invalid node version '99999999999999999999': strconv.ParseUint: parsing "99999999999999999999": value out of range`,
  );
  rejects('version=x', 'secret', 'invalid secret version');
  rejects('version=1.5', 'config', 'invalid config version');
});

test('queryFilters hands back the raw JSON, or undefined when absent or empty', () => {
  const raw = '{"name":["web"]}';
  assert.equal(queryFilters(q(`filters=${encodeURIComponent(raw)}`)), raw);
  assert.equal(queryFilters(q('filters=')), undefined);
  assert.equal(queryFilters(q('')), undefined);
});
