import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
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

/** Upper-snake strings in src/ that are not error codes: /etc/os-release keys, environment variables, Node's own error codes. */
const notErrorCodes = new Set([
  'PRETTY_NAME',
  'VERSION_ID',
  'SHOAL_HOST',
  'SHOAL_API_VERSION',
  'SHOAL_CERT_PATH',
  'SHOAL_TLS_VERIFY',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function sourceFiles(dir: URL): URL[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory()) return sourceFiles(url);
    return entry.name.endsWith('.ts') ? [url] : [];
  });
}

test('every error-code literal used in src/ is in the table', () => {
  const known = new Set(Object.keys(errorCodes));
  const missing = new Set<string>();
  for (const file of sourceFiles(new URL('../../src/', import.meta.url))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/'([A-Z]{2,}(?:_[A-Z0-9]+)+)'/g)) {
      const code = match[1]!;
      if (!known.has(code) && !notErrorCodes.has(code)) missing.add(code);
    }
  }
  assert.deepEqual([...missing], [], 'add these codes to src/api/errors.ts and docs/errors.md');
});
