import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import {
  advertiseAddress,
  chooseAdvertiseHost,
} from '../../../src/daemon/swarm/advertise-address.ts';
import type { HostInterfaces } from '../../../src/daemon/swarm/advertise-address.ts';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: null,
  };
}

const loopbackOnly: HostInterfaces = { lo: [ipv4('127.0.0.1', true)] };
const oneExternal: HostInterfaces = { ...loopbackOnly, eth0: [ipv4('10.0.0.5')] };
const twoExternal: HostInterfaces = { ...oneExternal, eth1: [ipv4('192.168.1.9')] };

test('the request wins over the flag, the flag over the listen host', () => {
  const base = { listenHost: '127.0.0.2', interfaces: twoExternal };
  assert.deepEqual(
    chooseAdvertiseHost({ ...base, requested: '10.1.1.1', configured: '10.2.2.2' }),
    {
      host: '10.1.1.1',
    },
  );
  assert.deepEqual(chooseAdvertiseHost({ ...base, configured: '10.2.2.2:4000' }), {
    host: '10.2.2.2',
    port: 4000,
  });
  assert.deepEqual(chooseAdvertiseHost(base), { host: '127.0.0.2' });
});

test('an interface name resolves to its IPv4 address', () => {
  const choice = chooseAdvertiseHost({
    requested: 'eth1',
    listenHost: '0.0.0.0',
    interfaces: twoExternal,
  });
  assert.deepEqual(choice, { host: '192.168.1.9' });
  assert.throws(
    () =>
      chooseAdvertiseHost({ requested: 'wlan9', listenHost: '0.0.0.0', interfaces: twoExternal }),
    { code: 'DAEMON_CONFIG_INVALID' },
  );
});

test('a wildcard listen address falls back to the one external IPv4 address, or fails as Docker does', () => {
  assert.deepEqual(chooseAdvertiseHost({ listenHost: '0.0.0.0', interfaces: oneExternal }), {
    host: '10.0.0.5',
  });
  assert.throws(() => chooseAdvertiseHost({ listenHost: '0.0.0.0', interfaces: twoExternal }), {
    code: 'DAEMON_CONFIG_INVALID',
    message:
      /could not choose an IP address to advertise since this system has multiple addresses on different interfaces \(10\.0\.0\.5 on eth0 and 192\.168\.1\.9 on eth1\)/,
  });
  assert.throws(() => chooseAdvertiseHost({ listenHost: '0.0.0.0', interfaces: loopbackOnly }), {
    message: /could not find the system's IP address/,
  });
  assert.throws(
    () =>
      chooseAdvertiseHost({ requested: '0.0.0.0', listenHost: '0.0.0.0', interfaces: oneExternal }),
    { code: 'DAEMON_CONFIG_INVALID' },
  );
});

test('the advertised port is the chosen one, else the bound listen port', () => {
  assert.equal(advertiseAddress({ host: '10.0.0.5' }, 41234), '10.0.0.5:41234');
  assert.equal(advertiseAddress({ host: '10.0.0.5', port: 2377 }, 41234), '10.0.0.5:2377');
  assert.equal(advertiseAddress({ host: '::1' }, 2377), '[::1]:2377');
});
