import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeAddress } from '../../../src/cli/options/node-address.ts';

test('listen addresses take the missing host or port from 0.0.0.0:2377', () => {
  assert.equal(parseNodeAddress('eth0'), 'eth0:2377');
  assert.equal(parseNodeAddress(':4000'), '0.0.0.0:4000');
  assert.equal(parseNodeAddress('10.0.0.1:4000'), '10.0.0.1:4000');
  assert.equal(parseNodeAddress('tcp://10.0.0.1'), '10.0.0.1:2377');
  assert.equal(parseNodeAddress('[::1]:9'), '[::1]:9');
  assert.equal(parseNodeAddress(''), '0.0.0.0:2377');
  assert.throws(() => parseNodeAddress('udp://x'), {
    message: 'invalid proto, expected tcp: udp://x',
  });
  assert.throws(() => parseNodeAddress('a:b'), { message: 'invalid bind address format: a:b' });
  assert.throws(() => parseNodeAddress('a:0'), { message: 'invalid bind address format: a:0' });
});
