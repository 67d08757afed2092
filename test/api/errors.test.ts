import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorCodes, statusOf } from '../../src/api/errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

test('every error code is documented in docs/errors.md with its status', () => {
  for (const [code, { status }] of Object.entries(errorCodes)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} is missing from docs/errors.md`);
    assert.ok(
      row.includes(`| ${status} |`),
      `${code}: docs/errors.md does not give status ${status}`,
    );
  }
});

test('every error code has an HTTP error status', () => {
  for (const [code, { status }] of Object.entries(errorCodes)) {
    assert.ok(status >= 400 && status <= 599, `${code} has status ${status}`);
  }
  assert.equal(statusOf('RAFT_STOPPED'), 503);
  assert.equal(statusOf('NOT_A_CODE'), 500);
});
