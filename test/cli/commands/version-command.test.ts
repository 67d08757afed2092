import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderVersion } from '../../../src/cli/commands/version-command.ts';
import type { ClientVersion } from '../../../src/cli/commands/version-command.ts';
import { shoalVersion } from '../../../src/cli/main.ts';
import { startFixtureDaemon } from '../support/fixture-daemon.ts';
import { runCli } from '../support/run-cli.ts';

const client: ClientVersion = {
  Platform: { Name: 'shoal' },
  Version: '0.1.0',
  APIVersion: '1.40',
  DefaultAPIVersion: '1.41',
  GoVersion: 'node v20.0.0',
  GitCommit: 'abc1234',
  BuildTime: '',
  Os: 'linux',
  Arch: 'amd64',
  Context: 'default',
};

test('version lays out client and server as docker does, aligned at column 20', () => {
  const text = renderVersion(client, {
    Platform: { Name: 'shoal' },
    Components: [
      {
        Name: 'Engine',
        Version: '0.1.0',
        Details: {
          ApiVersion: '1.40',
          MinAPIVersion: '1.24',
          GoVersion: 'node v20.0.0',
          GitCommit: 'abc1234',
          BuildTime: '',
          Os: 'linux',
          Arch: 'arm64',
          Experimental: 'false',
        },
      },
      { Name: 'executor', Version: 'process', Details: { b: '2', a: '1' } },
    ],
  } as never);
  assert.equal(
    text,
    [
      'Client: shoal',
      ' Version:           0.1.0',
      ' API version:       1.40 (downgraded from 1.41)',
      ' Go version:        node v20.0.0',
      ' Git commit:        abc1234',
      ' Built:             ',
      ' OS/Arch:           linux/amd64',
      ' Context:           default',
      '',
      'Server: shoal',
      ' Engine:',
      '  Version:          0.1.0',
      '  API version:      1.40 (minimum version 1.24)',
      '  Go version:       node v20.0.0',
      '  Git commit:       abc1234',
      '  Built:            ',
      '  OS/Arch:          linux/arm64',
      '  Experimental:     false',
      ' executor:',
      '  Version:          process',
      '  a:                1',
      '  b:                2',
      '',
    ].join('\n'),
  );
});

test('shoal version asks the daemon for /version and shows both parts', async () => {
  const daemon = await startFixtureDaemon({}, { apiVersion: '1.40' });
  try {
    const run = await runCli(['version'], { host: daemon.host });
    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      new RegExp(
        `^Client: shoal\\n Version: {11}${shoalVersion().replaceAll('.', '\\.')}\\n API version: {7}1\\.40 \\(downgraded from 1\\.41\\)\\n`,
      ),
    );
    assert.match(
      run.stdout,
      /\nServer: shoal\n Engine:\n {2}Version: {10}0\.1\.0\n {2}API version: {6}1\.41 \(minimum version 1\.24\)\n/,
    );
    assert.deepEqual(daemon.calls(), ['GET /v1.40/version']);
    const formatted = await runCli(
      ['version', '--format', '{{.Server.Version}}/{{.Client.APIVersion}}'],
      { host: daemon.host },
    );
    assert.equal(formatted.stdout, '0.1.0/1.40\n');
  } finally {
    await daemon.close();
  }
});

test('without a daemon, version prints the client part and reports the connection error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-cli-'));
  try {
    const host = `unix://${join(dir, 'none.sock')}`;
    const run = await runCli(['version'], { host });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^Client: shoal\n(.*\n){7}$/);
    assert.match(run.stdout, / API version: {7}1\.41\n/);
    assert.equal(
      run.stderr,
      `Cannot connect to the shoal daemon at ${host}. Is the shoal daemon running?\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
