import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseHost, DEFAULT_HOST, parseDaemonHost } from '../../../src/cli/client/daemon-host.ts';

test('-H wins over SHOAL_HOST, which wins over the default socket', () => {
  assert.equal(chooseHost(['tcp://a:1'], { SHOAL_HOST: 'unix:///b.sock' }), 'tcp://a:1');
  assert.equal(chooseHost(undefined, { SHOAL_HOST: 'unix:///b.sock' }), 'unix:///b.sock');
  assert.equal(chooseHost(undefined, { SHOAL_HOST: '' }), DEFAULT_HOST);
  assert.equal(DEFAULT_HOST, 'unix:///var/run/shoal.sock');
  assert.throws(() => chooseHost(['a', 'b'], {}), { message: 'Please specify only one -H' });
});

test('addresses parse as docker parses them', () => {
  assert.deepEqual(parseDaemonHost('unix:///tmp/x.sock', false), {
    kind: 'unix',
    path: '/tmp/x.sock',
    url: 'unix:///tmp/x.sock',
  });
  assert.deepEqual(parseDaemonHost('unix://', false), {
    kind: 'unix',
    path: '/var/run/shoal.sock',
    url: 'unix:///var/run/shoal.sock',
  });
  assert.deepEqual(parseDaemonHost('tcp://10.1.2.3:4000', false), {
    kind: 'tcp',
    host: '10.1.2.3',
    port: 4000,
    url: 'tcp://10.1.2.3:4000',
  });
  assert.deepEqual(parseDaemonHost('tcp://example.org', false), {
    kind: 'tcp',
    host: 'example.org',
    port: 2375,
    url: 'tcp://example.org:2375',
  });
  assert.deepEqual(parseDaemonHost('tcp://example.org', true), {
    kind: 'tcp',
    host: 'example.org',
    port: 2376,
    url: 'tcp://example.org:2376',
  });
  assert.deepEqual(parseDaemonHost('tcp://:2380', false), {
    kind: 'tcp',
    host: 'localhost',
    port: 2380,
    url: 'tcp://localhost:2380',
  });
  assert.deepEqual(parseDaemonHost('[::1]:9', false), {
    kind: 'tcp',
    host: '::1',
    port: 9,
    url: 'tcp://[::1]:9',
  });
  for (const bad of ['ssh://x', 'tcp://', 'tcp://a:b', 'tcp://a:99999', 'tcp://a/b']) {
    assert.throws(
      () => parseDaemonHost(bad, false),
      { message: `Invalid bind address format: ${bad}` },
      bad,
    );
  }
});
