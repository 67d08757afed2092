import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toEngineConfig } from '../../../src/api/objects/config.ts';
import { toEngineSecret } from '../../../src/api/objects/secret.ts';
import { aConfig, aSecret } from '../support/objects.ts';

test('a secret never shows its Data', () => {
  const engine = toEngineSecret(aSecret());
  assert.deepEqual(engine.Spec, { Name: 'db-pass', Labels: {} });
  assert.ok(!JSON.stringify(engine).includes('aGVsbG8='));
  assert.equal(engine.ID, 'sec1');
});

test('a config shows its Data', () => {
  assert.equal(toEngineConfig(aConfig()).Spec.Data, 'aGVsbG8=');
});
