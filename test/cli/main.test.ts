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
    spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { ...process.env, SHOAL_HOST: 'unix:///nonexistent/shoal.sock' },
    });
  assert.equal(run('--version').stdout.trim(), version);
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: shoal/);
  assert.match(help.stdout, /\n {2}swarm +Manage Swarm\n/);
  const bad = run('frobnicate');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /'frobnicate' is not a shoal command/);
  const noDaemon = run('version');
  assert.equal(noDaemon.status, 1);
  assert.match(
    noDaemon.stdout,
    new RegExp(`^Client: shoal\\n Version: +${version.replaceAll('.', '\\.')}\\n`),
  );
  assert.match(
    noDaemon.stderr,
    /^Cannot connect to the shoal daemon at unix:\/\/\/nonexistent\/shoal\.sock/,
  );
});
