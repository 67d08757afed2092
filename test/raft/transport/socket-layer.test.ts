import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatAddress,
  netSocketLayer,
  parseAddress,
} from '../../../src/raft/transport/socket-layer.ts';

describe('addresses', () => {
  it('parse host:port and bracketed IPv6, and format back', () => {
    assert.deepEqual(parseAddress('127.0.0.1:2377'), { host: '127.0.0.1', port: 2377 });
    assert.deepEqual(parseAddress('manager-1:0'), { host: 'manager-1', port: 0 });
    assert.deepEqual(parseAddress('[::1]:80'), { host: '::1', port: 80 });
    assert.equal(formatAddress('::1', 80), '[::1]:80');
    assert.equal(formatAddress('10.0.0.1', 80), '10.0.0.1:80');
  });

  it('reject what is not host:port', () => {
    for (const bad of ['', 'host', 'host:', ':80', 'host:99999', '::1:80', 'a:b:c']) {
      assert.throws(() => parseAddress(bad), RangeError, bad);
    }
  });
});

describe('netSocketLayer', () => {
  it('rejects a bad address and an aborted attempt', async () => {
    await assert.rejects(
      netSocketLayer.connect('nonsense', new AbortController().signal),
      RangeError,
    );
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(netSocketLayer.connect('127.0.0.1:9', aborted.signal), /abandoned/);
  });

  it('listens on port 0 and reports the bound port', async () => {
    const listener = await netSocketLayer.listen('127.0.0.1', 0, (s) => s.destroy());
    assert.match(listener.address, /^127\.0\.0\.1:[1-9]\d*$/);
    await assert.rejects(
      netSocketLayer.listen('127.0.0.1', parseAddress(listener.address).port, () => {}),
      /EADDRINUSE/,
    );
    await listener.close();
  });
});
