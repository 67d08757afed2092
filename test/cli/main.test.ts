import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const bin = new URL('../../bin/shoal.js', import.meta.url).pathname;
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

test('the shoal bin prints its version and help, and refuses unknown commands', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  const v = run('version');
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, `shoal version ${version}\n`);
  assert.equal(run('--version').stdout.trim(), version);
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: shoal/);
  const bad = run('frobnicate');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /unknown command 'frobnicate'/);
});
