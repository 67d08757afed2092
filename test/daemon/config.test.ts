import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { ShoalError } from '../../src/base/errors.ts';
import { daemonConfigFrom, parseHostPort } from '../../src/daemon/config.ts';

test('defaults are those the issue names', () => {
  const config = daemonConfigFrom({});
  assert.equal(config.dataDir, '/var/lib/shoal');
  assert.equal(config.apiSocket, '/var/run/shoal.sock');
  assert.deepEqual(config.listenAddr, { host: '0.0.0.0', port: 2377 });
  assert.equal(config.hostname, hostname());
  assert.equal(config.executor, 'auto');
  assert.equal(config.apiTcp, undefined);
  assert.equal(config.advertiseAddr, undefined);
});

test('flags are taken and checked', () => {
  const config = daemonConfigFrom({
    dataDir: '/tmp/n1',
    apiSocket: '/tmp/n1.sock',
    listenAddr: '127.0.0.1:0',
    advertiseAddr: '10.1.2.3',
    hostname: 'node-1',
    executor: 'process',
    apiTcp: '127.0.0.1:2375',
  });
  assert.deepEqual(config.listenAddr, { host: '127.0.0.1', port: 0 });
  assert.equal(config.advertiseAddr, '10.1.2.3');
  assert.equal(config.hostname, 'node-1');
  assert.equal(config.executor, 'process');
  assert.deepEqual(config.apiTcp, { host: '127.0.0.1', port: 2375 });
});

test('bad flags are refused with the flag named', () => {
  const cases: [Parameters<typeof daemonConfigFrom>[0], string, RegExp][] = [
    [{ executor: 'podman' }, '--executor', /one of docker, process, auto/],
    [{ listenAddr: 'eth0:2377' }, '--listen-addr', /not IP:PORT/],
    [{ listenAddr: '127.0.0.1:70000' }, '--listen-addr', /port between 0 and 65535/],
    [{ advertiseAddr: 'not an ip' }, '--advertise-addr', /not IP:PORT/],
    [{ hostname: 'bad name!' }, '--hostname', /not a valid host name/],
    [{ apiTcp: '0.0.0.0:2375' }, '--api-tcp', /without TLS/],
    [
      { apiTcp: '0.0.0.0:2376', tlscert: 'c', tlskey: 'k', tlsverify: true },
      '--tlsverify',
      /--tlscacert/,
    ],
    [{ logLevel: 'chatty' }, '--log-level', /one of debug/],
  ];
  for (const [flags, field, message] of cases) {
    assert.throws(
      () => daemonConfigFrom(flags),
      (err: unknown) =>
        err instanceof ShoalError &&
        err.code === 'DAEMON_CONFIG_INVALID' &&
        err.status === 400 &&
        err.field === field &&
        message.test(err.message),
      JSON.stringify(flags),
    );
  }
});

test('TLS on the TCP API listener', () => {
  const config = daemonConfigFrom({
    apiTcp: '0.0.0.0:2376',
    tlscert: '/c.pem',
    tlskey: '/k.pem',
    tlscacert: '/ca.pem',
    tlsverify: true,
  });
  assert.deepEqual(config.apiTcp, {
    host: '0.0.0.0',
    port: 2376,
    tls: { certPath: '/c.pem', keyPath: '/k.pem', caPath: '/ca.pem', verifyClients: true },
  });
});

test('parseHostPort takes IPv6 in brackets and a default port', () => {
  assert.deepEqual(parseHostPort('x', '[::1]:2377'), { host: '::1', port: 2377 });
  assert.deepEqual(parseHostPort('x', '10.0.0.1', 2377), { host: '10.0.0.1', port: 2377 });
  assert.throws(() => parseHostPort('x', '10.0.0.1'), /needs a port/);
});

test('--raft-tick-ms is optional, a whole number of milliseconds within bounds', () => {
  assert.equal(daemonConfigFrom({}).raftTickMs, undefined);
  assert.equal(daemonConfigFrom({ raftTickMs: '50' }).raftTickMs, 50);
  for (const bad of ['0', '4', '2.5', 'fast', '10001']) {
    assert.throws(
      () => daemonConfigFrom({ raftTickMs: bad }),
      (err: unknown) =>
        err instanceof ShoalError &&
        err.field === '--raft-tick-ms' &&
        /between 5 and 10000/.test(err.message),
      bad,
    );
  }
});
