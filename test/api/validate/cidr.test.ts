import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cidrContains, parseCidr, parseIp } from '../../../src/api/validate/cidr.ts';

describe('parseIp', () => {
  const cases: [string, 4 | 6 | undefined, bigint?][] = [
    ['10.0.0.1', 4, 0x0a000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::1', 6, 1n],
    ['fd00::', 6, 0xfd00n << 112n],
    ['::ffff:10.0.0.1', 6, (0xffffn << 32n) | 0x0a000001n],
    ['10.0.0', undefined],
    ['10.0.0.256', undefined],
    ['fe80::1%eth0', undefined],
    ['host', undefined],
  ];
  for (const [text, family, value] of cases) {
    test(text, () => {
      const ip = parseIp(text);
      assert.equal(ip?.family, family);
      if (value !== undefined) assert.equal(ip?.value, value);
    });
  }

  test('IPv4 round-trips through its integer', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        const ip = parseIp(text);
        assert.ok(ip);
        const parts = [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn));
        assert.equal(parts.join('.'), text);
      }),
    );
  });
});

describe('parseCidr and cidrContains', () => {
  test('parses valid blocks only', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8')?.bits, 8);
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('10.0.0.0'), undefined);
    assert.equal(parseCidr('10.0.0.0/x'), undefined);
    assert.equal(parseCidr('fd00::/129'), undefined);
  });

  const containment: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.1.0.0/16', '10.1.255.255', true],
    ['0.0.0.0/0', '192.168.1.1', true],
    ['10.0.0.5/32', '10.0.0.5', true],
    ['fd00::/64', 'fd00::abcd', true],
    ['fd00::/64', 'fd01::1', false],
    ['10.0.0.0/8', '::1', false],
  ];
  for (const [block, ip, expected] of containment) {
    test(`${block} ${expected ? 'contains' : 'does not contain'} ${ip}`, () => {
      const cidr = parseCidr(block);
      const address = parseIp(ip);
      assert.ok(cidr && address);
      assert.equal(cidrContains(cidr, address), expected);
    });
  }
});
